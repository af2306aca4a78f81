"""What every tab shares: the loaded checkpoints, the device, and turning errors into messages."""
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr
import torch

from genlab.checkpoint import Checkpoint
from genlab.latent import gif


@dataclass
class Lab:
    """The pretrained checkpoints the app loaded at start-up, and why any of them failed to load."""

    device: torch.device
    checkpoints: dict[str, Checkpoint]
    errors: dict[str, str] = field(default_factory=dict)

    def checkpoint(self, name: str) -> Checkpoint:
        """The named checkpoint, or a gr.Error a person (or an API client) can read."""
        if name in self.checkpoints:
            return self.checkpoints[name]
        if name in self.errors:
            raise gr.Error(f"The model '{name}' could not be loaded: {self.errors[name]}")
        raise gr.Error(f"There is no model named {name!r}; choose one of {sorted(self.checkpoints)}.")


CHEAP = {"concurrency_limit": 8, "concurrency_id": "inference"}  # fast handlers share one pool


class ImageFile(gr.Image):
    """A gr.Image that hands the handler the uploaded file's path undecoded, so that a file that
    is not an image gets a readable message instead of a preprocessing error."""

    def get_block_name(self) -> str:
        return "image"  # the same browser widget as gr.Image

    def preprocess(self, payload):
        try:
            return super().preprocess(payload)
        except (OSError, ValueError, SyntaxError) as err:  # PIL's UnidentifiedImageError is an OSError
            raise gr.Error("This file is not an image that can be read (PNG, JPEG, WebP, GIF or BMP).") from err


def gif_file(frames: torch.Tensor) -> str:
    """Write an animated GIF of the frames to a fresh temporary file for a gr.Image to serve."""
    path = Path(tempfile.mkdtemp()) / "interpolation.gif"
    path.write_bytes(gif(frames))
    return str(path)
