"""What tests of every tier share: where things are, and a digit drawn as a person draws it."""
from pathlib import Path

import numpy as np
from PIL import Image

from genlab.core.checkpoint import checkpoint_dir

ROOT = Path(__file__).resolve().parent.parent
CHECKPOINTS = checkpoint_dir()  # the app's: GENLAB_CHECKPOINTS, else the committed ones


def draw_like_a_person(digit: np.ndarray, canvas: tuple[int, int] = (600, 800), size: int = 300,
                       at: tuple[int, int] = (250, 40), dark_on_light: bool = True) -> np.ndarray:
    """An MNIST digit (28x28 in [0, 1]) enlarged and placed off-centre on a big canvas, as uint8."""
    big = np.asarray(Image.fromarray((digit * 255).astype(np.uint8)).resize((size, size), Image.BILINEAR))
    page = np.zeros(canvas, np.uint8)
    page[at[0]:at[0] + size, at[1]:at[1] + size] = big
    return 255 - page if dark_on_light else page
