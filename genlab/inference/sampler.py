"""What the GAN sampler does with a GAN: grids of samples by seed and truncation (a chosen digit for
the conditional GAN, or the same noise drawn as every digit), and walks from one seed's noise to
another's; each sample read by the CNN. The tab and the benchmarks both call these."""
import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from genlab.core.errors import RequestError
from genlab.core.images import captioned_grid, grid_cell, ink
from genlab.core.seeds import checked_seed
from genlab.inference.classify import caption, captions, read_batch
from genlab.inference.latent import between, gif, path
from genlab.inference.objectives import gan_value
from genlab.models.gan import GAN

MAX_SAMPLES = 64
MAX_ROWS = 8
MAX_FRAMES = 64
ANY_DIGIT = "any"
DIGITS = (ANY_DIGIT, *(str(d) for d in range(10)))
SHOWN = 8  # a walked sample is shown 224x224
GRID_COLUMNS = 8  # sample() lays its grid out in rows of eight
CNN_READING, D_SCORE = "the CNN's reading", "D's chance it is real"
UNDER = (CNN_READING, D_SCORE)  # what a grid shows under each sample


@dataclass
class Samples:
    grid: np.ndarray  # the samples, each captioned with the CNN's reading and confidence
    summary: str  # what the CNN read, in words ('' without a CNN)


def in_range(value: float | None, low: float, high: float, what: str) -> float:
    if value is None or isinstance(value, bool) or not math.isfinite(value) or not low <= value <= high:
        raise RequestError(f"{what} must be a number from {low:g} to {high:g}.")
    return value


def digits_for(model: GAN, digit: str, count: int) -> torch.Tensor | None:
    """The digit asked for, or a balanced mix for 'any'; None for unconditional GANs."""
    if digit not in DIGITS:
        raise RequestError(f"The digit is one of {list(DIGITS)}; got {digit!r}.")
    if not model.classes:
        return None
    if digit == ANY_DIGIT:
        return torch.arange(count) % model.classes
    return torch.full((count,), int(digit))


def read(reader: nn.Module | None, images: torch.Tensor, asked: torch.Tensor | None, columns: int,
         judged_by: GAN | None = None) -> Samples:
    """The captioned grid and a summary of what the CNN read, from one pass of the CNN. Given the GAN
    (`judged_by`), each caption is instead its discriminator's chance that the sample is real: what the
    generator is trained to raise."""
    scores = None if judged_by is None else gan_value(judged_by, images, asked, None).d_each_fake
    shown = [f"D {p:.2f}" for p in scores] if scores else None
    summary = (f"Under each sample: D's chance that it is real (their mean: {sum(scores) / len(scores):.2f}). "
               if scores else "")
    if reader is None:
        return Samples(captioned_grid(images, shown or [""] * len(images), columns=columns), summary)
    labels, confidences = read_batch(reader, images)
    grid = captioned_grid(images, shown or [caption(*pair) for pair in zip(labels, confidences)], columns=columns)
    labels = torch.tensor(labels)
    histogram = ", ".join(f"{d}: {int((labels == d).sum())}" for d in range(10) if (labels == d).any())
    summary += f"The CNN reads these {len(labels)} samples as {histogram}."
    if asked is not None:
        summary += f" It reads {(labels == asked).float().mean():.0%} of them as the digit asked for."
    return Samples(grid, summary)


def judge(model: GAN, under: str) -> GAN | None:
    """The GAN whose discriminator captions the grid, when that is what is asked to show under each sample."""
    if under not in UNDER:
        raise RequestError(f"Under each sample is one of {list(UNDER)}; got {under!r}.")
    return model if under == D_SCORE else None


@torch.no_grad()
def samples(model: GAN, seed: float, count: float, truncation: float,
            digit: str = ANY_DIGIT) -> tuple[torch.Tensor, torch.Tensor | None]:
    """`count` samples from the noise of this seed, shrunk towards its centre by `truncation`, and the
    digits they were asked for (None for an unconditional GAN)."""
    seed = checked_seed(seed, "The seed")
    count = int(in_range(count, 1, MAX_SAMPLES, "The number of samples"))
    truncation = in_range(truncation, 0.0, 1.0, "Truncation")
    labels = digits_for(model, digit, count)
    return model.sample(model.noise(count, seed, truncation), labels).cpu(), labels


def sample(model: GAN, reader: nn.Module | None, seed: float, count: float, truncation: float,
           digit: str = ANY_DIGIT, under: str = CNN_READING) -> Samples:
    """The grid of `samples`, each captioned with the CNN's reading or the discriminator's score."""
    judged_by = judge(model, under)
    images, labels = samples(model, seed, count, truncation, digit)
    return read(reader, images, labels, columns=GRID_COLUMNS, judged_by=judged_by)


@torch.no_grad()
def every_digit(model: GAN, reader: nn.Module | None, seed: float, rows: float, truncation: float,
                under: str = CNN_READING) -> Samples:
    """One row per noise vector, one column per digit: what the noise controls (style) and what the
    label controls (the digit)."""
    judged_by = judge(model, under)
    if not model.classes:
        raise RequestError("Only the conditional GAN takes a digit; choose the Conditional DCGAN.")
    rows = int(in_range(rows, 1, MAX_ROWS, "Rows"))
    noise = model.noise(rows, checked_seed(seed, "The seed"), in_range(truncation, 0.0, 1.0, "Truncation"))
    labels = torch.arange(model.classes).repeat(rows)
    images = model.sample(noise.repeat_interleave(model.classes, dim=0), labels).cpu()
    return read(reader, images, labels, columns=model.classes, judged_by=judged_by)


@torch.no_grad()
def walk(model: GAN, reader: nn.Module | None, seed_a: float, seed_b: float, frames: float, spherical: bool,
         digit: str = ANY_DIGIT) -> tuple[np.ndarray, bytes]:
    """Frames from the first noise vector of one seed to another's: a captioned strip and a looping GIF
    (the conditional GAN draws the chosen digit, 0 for 'any')."""
    frames = int(in_range(frames, 2, MAX_FRAMES, "Frames"))
    a = model.noise(1, checked_seed(seed_a, "Seed A"))[0]
    b = model.noise(1, checked_seed(seed_b, "Seed B"))[0]
    labels = digits_for(model, "0" if digit == ANY_DIGIT else digit, frames)
    images = model.sample(path(a, b, frames, spherical), labels).cpu()
    return read(reader, images, None, columns=frames).grid, gif(images)


@dataclass
class WalkEnds:
    """The live walk of one sample: from its noise (a) toward the first noise vector of seed B (b)."""

    a: torch.Tensor
    b: torch.Tensor
    digit: int | None  # what the conditional GAN draws along the way; None for the others


def walk_ends(model: GAN, seed: float, count: float, sample: float, seed_b: float, digit: str = ANY_DIGIT) -> WalkEnds:
    """Sample number `sample` (from 1) of the grid sample() draws for this seed, count and digit, and
    seed B's first noise vector, both untruncated."""
    count = int(in_range(count, 1, MAX_SAMPLES, "The number of samples"))
    sample = int(in_range(sample, 1, count, "The sample to walk"))
    labels = digits_for(model, digit, count)
    a = model.noise(count, checked_seed(seed, "The seed"))[sample - 1]
    b = model.noise(1, checked_seed(seed_b, "Seed B"))[0]
    return WalkEnds(a, b, None if labels is None else int(labels[sample - 1]))


def picked(x: float, y: float, count: float) -> int:
    """The sample (from 1) at pixel (x, y) of a grid that sample() drew."""
    index = grid_cell(x, y, int(count), GRID_COLUMNS)
    if index is None:
        raise RequestError("That is not on a sample: click one of the digits in the grid.")
    return index + 1


@torch.no_grad()
def walk_point(model: GAN, reader: nn.Module | None, ends: WalkEnds, t: float, truncation: float) -> tuple[np.ndarray, str]:
    """The walked sample at fraction t of the way (along the great circle), shrunk by `truncation`:
    its picture and the CNN's reading ('' without a CNN)."""
    t = in_range(t, 0.0, 1.0, "The walk")
    truncation = in_range(truncation, 0.0, 1.0, "Truncation")
    noise = between(ends.a, ends.b, torch.tensor([t]), spherical=True) * truncation
    labels = None if ends.digit is None else torch.tensor([ends.digit])
    image = model.sample(noise, labels).cpu()
    return ink(image[0], SHOWN), captions(reader, image)[0]
