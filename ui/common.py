"""What every tab shares: the loaded checkpoints, the device, and turning errors into messages."""
import hashlib
import io
import math
import os
import reprlib
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import gradio as gr
import numpy as np
import torch
from gradio.data_classes import ImageData
from gradio.components.image_editor import EditorData
from PIL import Image as PILImage
from pydantic import ValidationError

from genlab.checkpoint import Checkpoint
from genlab.latent import gif
from genlab.live import Runs
from genlab.preprocess import MAX_PIXELS

MINE = "mine"  # the model name that means "the model I trained or uploaded"
FAMILY_NAMES = {"classifier": "classifier", "vae": "VAE", "gan": "GAN", "lstm": "character LSTM",
                "textvae": "sentence VAE", "textgan": "text GAN"}


def user_of(request: gr.Request | None) -> str:
    """The browser session (or gradio_client) a request comes from: the owner of 'mine' models."""
    return getattr(request, "session_hash", None) or "anonymous"


@dataclass
class Lab:
    """The pretrained checkpoints the app loaded at start-up, why any of them failed to load, and
    the users' own models (trained live or uploaded)."""

    device: torch.device
    checkpoints: dict[str, Checkpoint]
    errors: dict[str, str] = field(default_factory=dict)
    runs: Runs | None = None

    def checkpoint(self, name: str, family: str | None = None, request: gr.Request | None = None) -> Checkpoint:
        """The named checkpoint of a family ('mine': the caller's own), or a gr.Error a person
        (or an API client) can read."""
        if name == MINE:
            mine = self.runs.model(user_of(request), family) if self.runs is not None else None
            if mine is None and self.runs is not None and self.runs.was_set_aside(user_of(request)):
                raise gr.Error("Your models were removed to make room for other visitors' (the app keeps the "
                               "most recently used ones within its memory budget): train again, or upload the "
                               "checkpoint you downloaded.")
            if mine is None:
                raise gr.Error(f"You have no {FAMILY_NAMES.get(family, family)} of your own yet: train one in "
                               "the Train tab, or upload a checkpoint there.")
            return mine
        if name in self.checkpoints:
            checkpoint = self.checkpoints[name]
        elif name in self.errors:
            raise gr.Error(f"The model '{name}' could not be loaded: {self.errors[name]}")
        else:
            raise gr.Error(f"There is no model named {name!r}; choose one of {sorted(self.checkpoints)} or '{MINE}'.")
        if family is not None and checkpoint.meta["family"] != family:
            raise gr.Error(f"'{name}' is not a {FAMILY_NAMES.get(family, family)}.")
        return checkpoint

    def names(self, family: str) -> list[str]:
        """Pretrained checkpoints of a family, including those that failed to load (so they can say why)."""
        loaded = [n for n, c in self.checkpoints.items() if c.meta["family"] == family]
        return loaded + [n for n in self.errors if n not in loaded]


CHEAP = {"concurrency_limit": 8, "concurrency_id": "inference"}  # fast handlers share one pool
GPU_SECONDS = 60  # the most a handler borrows a ZeroGPU GPU for (ZeroGPU's default; writing 2000 characters fits)


def on_gpu(handler):
    """The handler as a ZeroGPU function on a Hugging Face ZeroGPU Space (SPACES_ZERO_GPU set and the
    `spaces` package installed): each call borrows the GPU for at most GPU_SECONDS. Everywhere else,
    the handler itself. Training runs are separate processes and stay on the Space's CPU there: a
    ZeroGPU GPU is lent one call at a time, for minutes at most, out of each visitor's daily quota."""
    if not os.environ.get("SPACES_ZERO_GPU"):
        return handler
    try:
        import spaces
    except ImportError:
        return handler
    return spaces.GPU(duration=GPU_SECONDS)(handler)


def shown(number: float) -> str:
    """A bound or value as a person writes it: 4294967295, 0.05, 1e-05."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


class Stock:
    """Mixed into our subclasses of Gradio components: the browser draws them with the stock widget
    (get_block_name), and view_api and gr.load describe them as the stock component (get_block_class)."""

    stock: str  # the Gradio component's block name: "slider", "image", ...

    def get_block_name(self) -> str:
        return self.stock

    def get_block_class(self) -> str:
        return self.stock


class NumberSlider(Stock, gr.Slider):
    """A gr.Slider that refuses a value that is not a number with a message naming the slider and its
    range (Gradio's own check fails unreadably on None or text). With `limits` set, the server
    accepts that wider range while the widget shows the narrower one it was built with."""

    limits: tuple[float, float] | None = None  # set after construction: Gradio builds a component's
    # browser config from its __init__ signature, so a subclass must not change that signature

    stock = "slider"

    def preprocess(self, payload):
        low, high = self.limits or (self.minimum, self.maximum)
        if isinstance(payload, bool) or not isinstance(payload, (int, float)) or not math.isfinite(payload):
            raise gr.Error(f"'{self.label}' must be a number from {shown(low)} to {shown(high)}; got {payload!r}.")
        if self.limits is None:
            return super().preprocess(payload)
        if not low <= payload <= high:
            raise gr.Error(f"'{self.label}' must be from {shown(low)} to {shown(high)}; got {shown(payload)}.")
        return payload


class WholeNumber(Stock, gr.Number):
    """A gr.Number for seeds and indices: None, text, NaN and fractions get a message naming the field
    (Gradio's own rounding fails silently on NaN)."""

    stock = "number"

    def preprocess(self, payload):
        whole = (not isinstance(payload, bool) and isinstance(payload, (int, float)) and math.isfinite(payload)
                 and payload == int(payload))
        if not whole:
            bounded = self.minimum is not None and self.maximum is not None
            span = f" from {shown(self.minimum)} to {shown(self.maximum)}" if bounded else ""
            raise gr.Error(f"'{self.label}' must be a whole number{span}; got {payload!r}.")
        return super().preprocess(payload)


@cache
def checked(data_model: type | None, refusal: str) -> type | None:
    """The component's pydantic data model, refusing a payload of the wrong shape with `refusal`.
    Gradio validates a payload against its input's data model before any of the component's code runs,
    and a pydantic error reaches the caller as Gradio's generic "the app raised an exception". The JSON
    schema (what view_api shows, what tells gradio_client an input is a file) stays the original's."""
    if data_model is None:
        return None

    def model_validate(cls, payload, *args, **kwargs):
        try:
            return data_model.model_validate(payload, *args, **kwargs)
        except ValidationError as err:
            raise gr.Error(f"{refusal}; got {reprlib.repr(payload)}.") from err

    return type(data_model.__name__, (data_model,), {"__doc__": data_model.__doc__, "__module__": data_model.__module__,
                                                      "model_validate": classmethod(model_validate)})


class ShapeChecked(Stock):
    """For an input Gradio validates before its code runs (files, images, sketches): a payload of the
    wrong shape (a number, a bare string) gets a message naming the input. Mixed in before the Gradio
    component; `takes` says what the input takes."""

    takes: str  # what the input takes, as a message says it
    _data_model: type | None = None

    @property
    def data_model(self) -> type | None:
        label = getattr(self, "label", None)  # read before gr.Component.__init__ sets it, too
        return checked(self._data_model, f"'{label}' takes {self.takes} (from gradio_client: handle_file(path))")

    @data_model.setter
    def data_model(self, data_model: type | None) -> None:  # gr.File picks its model in __init__
        self._data_model = data_model


class FileInput(ShapeChecked, gr.File):
    """A gr.File whose wrong-shaped payloads get a readable message."""

    stock = "file"

    @property
    def takes(self) -> str:
        return "a file" if self.file_count == "single" else "a list of files"


class Sketch(ShapeChecked, gr.Sketchpad):
    """A gr.Sketchpad whose wrong-shaped payloads get a readable message."""

    takes = "a drawing (a dict of 'background', 'layers' and 'composite'; draw a digit in the box)"
    _data_model = EditorData

    stock = "imageeditor"


class ImageFile(ShapeChecked, gr.Image):
    """A gr.Image that hands the handler the uploaded file's path undecoded, so that a file that
    is not an image gets a readable message instead of a preprocessing error."""

    takes = "an image file"
    _data_model = ImageData

    stock = "image"

    def preprocess(self, payload):
        try:
            return super().preprocess(payload)
        except PILImage.DecompressionBombError as err:
            raise gr.Error(f"This image is over the {MAX_PIXELS // 1_000_000}-megapixel cap: "
                           "send a smaller picture of the digit.") from err
        except (OSError, ValueError, SyntaxError) as err:  # PIL's UnidentifiedImageError is an OSError
            raise gr.Error("This file is not an image that can be read (PNG, JPEG, WebP, GIF or BMP).") from err


class Picture(Stock, gr.Image):
    """A gr.Image for pictures the app makes, written to Gradio's cache as PNG under a temporary name and
    renamed into place. (Gradio rewrites a cached picture in place, so two requests that make the same
    picture at the same moment could be served a half-written file.)"""

    stock = "image"

    def postprocess(self, value):
        if isinstance(value, np.ndarray):
            value = PILImage.fromarray(value)
        if isinstance(value, PILImage.Image):
            value = cached_png(value, Path(self.GRADIO_CACHE))
        return super().postprocess(value)


def cached_png(picture: PILImage.Image, cache: Path) -> str:
    """The picture's PNG in a folder named by its hash, written whole before it appears."""
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    data = buffer.getvalue()
    folder = cache / hashlib.sha256(data).hexdigest()
    path = folder / "image.png"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        handle, staging = tempfile.mkstemp(dir=folder, prefix=".image.png.")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(staging, path)
    return str(path)


def gif_file(frames: torch.Tensor) -> str:
    """Write an animated GIF of the frames to a fresh temporary file for a gr.Image to serve."""
    path = Path(tempfile.mkdtemp()) / "interpolation.gif"
    path.write_bytes(gif(frames))
    return str(path)
