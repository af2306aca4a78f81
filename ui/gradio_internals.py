"""Every place genlab reaches into Gradio 6.31's internals: our subclasses of its components (a
component's data model, its preprocess and postprocess, its block name, its cache folder), the
sweep of that cache, and the queue's door, where genlab.serve.fairness decides whether a call may join.
tests/test_gradio_internals.py checks each internal these rely on, so a Gradio upgrade that moves
one fails there, loudly, instead of somewhere in a tab."""
import hashlib
import io
import math
import os
import reprlib
import tempfile
import time
from functools import cache
from pathlib import Path

import gradio as gr
import numpy as np
from gradio import route_utils
from gradio.components.image_editor import EditorData
from gradio.data_classes import ImageData
from PIL import Image as PILImage
from pydantic import ValidationError

from genlab.inference.preprocess import MAX_PIXELS
from genlab.serve.fairness import Fairness


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
    """A gr.Image for pictures the app makes (an array or a PIL image; GIF bytes for an animation),
    written into Gradio's cache under a temporary name and renamed into place. (Gradio rewrites a
    cached picture in place, so two requests that make the same picture at the same moment could be
    served a half-written file.) The cache is Gradio's, so its delete_cache setting clears it."""

    stock = "image"

    def postprocess(self, value):
        if isinstance(value, np.ndarray):
            value = PILImage.fromarray(value)
        if isinstance(value, PILImage.Image):
            buffer = io.BytesIO()
            value.save(buffer, "PNG")
            value = cached_file(buffer.getvalue(), "image.png", Path(self.GRADIO_CACHE))
        elif isinstance(value, bytes):
            value = cached_file(value, "animation.gif", Path(self.GRADIO_CACHE))
        return super().postprocess(value)


def cached_file(data: bytes, name: str, cache: Path) -> str:
    """The bytes as a file in a folder named by their hash, written whole before it appears. A file made
    again is touched, so Gradio's delete_cache (which goes by age) does not take it as it is handed out."""
    folder = cache / hashlib.sha256(data).hexdigest()
    path = folder / name
    try:
        os.utime(path)
        return str(path)
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.replace(staging, path)
    return str(path)


def sweep_cache(blocks: gr.Blocks, age: float | None) -> None:
    """Delete the files the app made or received that are older than `age` seconds (all, if None), as
    Gradio's delete_cache sweep does, but over a copy of each set of files. Gradio 6.31 walks the live
    sets while request threads add to them: when the two meet, "Set changed size during iteration" ends
    its sweeping task for the rest of the server's life and the cache grows without bound. A file that
    cannot be deleted is left for the next sweep instead of ending this one."""
    now, keep = time.time(), set()
    for component in list(blocks.blocks.values()):
        keep.update(getattr(component, "keep_in_cache", ()))
    for files in list(blocks.temp_file_sets):
        gone = set()
        for file in files.copy() - keep:
            try:
                if age is None or now - os.lstat(file).st_ctime > age:
                    os.remove(file)
                    gone.add(file)
            except FileNotFoundError:
                gone.add(file)
            except OSError:
                continue
        files -= gone


def mend_cache_sweep() -> None:
    """Have Gradio's scheduled sweep and its sweep at shutdown call sweep_cache (both look the function
    up in route_utils when they run)."""
    route_utils.delete_files_created_by_app = sweep_cache


def address_of(request) -> str:
    """The network address a call comes from: the first hop a Hugging Face Space's proxy recorded
    (SPACE_ID set), else the connection's own (a header any client can write is not trusted there)."""
    forwarded = request.headers.get("x-forwarded-for", "") if os.environ.get("SPACE_ID") else ""
    return forwarded.split(",")[0].strip() or (request.client.host if request.client else "")


def admit_fairly(demo: gr.Blocks, fairness: Fairness) -> None:
    """Ask `fairness` before any call joins the queue (call after demo.queue()). A refused call takes no
    place in the queue and costs no handler; the calls already in the queue count as in flight until
    they end. The refusal goes back the way Gradio sends a failed validation (HTTP 422), the one answer
    at the door whose message both gradio_client (a ValidationError) and the page show."""
    queue = demo._queue
    join = queue.push

    async def fair_join(body, request, username):
        if body.fn_index is not None and body.fn_index in demo.fns:
            address = address_of(request)
            events = list(queue.event_ids_to_events.values())
            address_calls = sum(address_of(e.request) == address for e in events if e.request is not None)
            visitor_calls = sum(e.session_hash == body.session_hash for e in events)
            refusal = fairness.refuse(  # a caller without a session (the REST route) is known by address
                visitor=body.session_hash or f"address {address}", address=address,
                endpoint=demo.fns[body.fn_index].api_name,
                visitor_calls=visitor_calls if body.session_hash else address_calls, address_calls=address_calls)
            if refusal:
                return False, [{"__type__": "validate", "is_valid": False, "parameter_name": "this call",
                                "message": refusal}], "validator_error"
        return await join(body, request, username)

    queue.push = fair_join
