"""Seeds: every random draw a person can repeat is named by a whole number from 0 to MAX_SEED.

`gaussian` is the noise a seed names for the image models (a GAN's samples, a VAE's random code) and the
sentence VAE's codes, and `uniform` the draws that pick a character (`picked`) when the LSTM or the sentence
VAE writes. They are ours, not torch's generator, so
that the page draws the very same numbers (ui/web/seeds.js, held to this by a browser test): number k of
a seed comes from hashes of the seed and of k, so sample i of a grid is the same whatever the grid's
size, and character i of a text whatever its length."""
import math
import secrets

import numpy as np

from genlab.core.errors import RequestError

MAX_SEED = 2**32 - 1
_MASK = np.uint64(0xFFFFFFFF)


def new_seed() -> int:
    return secrets.randbelow(MAX_SEED + 1)


def checked_seed(value: float | None, what: str = "A seed") -> int:
    if (value is None or isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
            or value != int(value) or not 0 <= value <= MAX_SEED):
        raise RequestError(f"{what} is a whole number from 0 to {MAX_SEED}.")
    return int(value)


def hash32(values: np.ndarray) -> np.ndarray:
    """PCG's output hash of each 32-bit value (Jarzynski and Olano, 2020): well mixed, and only
    multiplications, shifts and xors, which JavaScript does exactly on 32-bit integers."""
    state = (values.astype(np.uint64) * np.uint64(747796405) + np.uint64(2891336453)) & _MASK
    word = (((state >> ((state >> np.uint64(28)) + np.uint64(4))) ^ state) * np.uint64(277803737)) & _MASK
    return (word >> np.uint64(22)) ^ word


def gaussian(seed: int, count: int, size: int) -> np.ndarray:
    """(count, size) standard normal numbers, the same for a seed on every machine and in the page."""
    k = np.arange(count * size, dtype=np.uint64)
    pair = k >> np.uint64(1)
    mixed = hash32(np.array([seed], dtype=np.uint64))
    u1 = (hash32(hash32(np.uint64(2) * pair) ^ mixed).astype(np.float64) + 1.0) / 2.0**32  # in (0, 1]
    u2 = hash32(hash32(np.uint64(2) * pair + np.uint64(1)) ^ mixed).astype(np.float64) / 2.0**32
    radius, angle = np.sqrt(-2.0 * np.log(u1)), 2.0 * math.pi * u2
    numbers = np.where(k % np.uint64(2) == 0, radius * np.cos(angle), radius * np.sin(angle))
    return numbers.astype(np.float32).reshape(count, size)


def uniform(seed: int, count: int, first: int = 0) -> np.ndarray:
    """Numbers first .. first + count - 1 of the seed's uniform draws in [0, 1), as float64."""
    k = np.arange(first, first + count, dtype=np.uint64)
    return hash32(hash32(k) ^ hash32(np.array([seed], dtype=np.uint64))).astype(np.float64) / 2.0**32


def picked(chances: np.ndarray, draw: float) -> int:
    """The index a uniform draw in [0, 1) picks from chances (in index order): the first where their running
    sum passes draw x their sum, as the page picks it (ui/web/lstm.js)."""
    running = np.cumsum(np.asarray(chances, dtype=np.float64))
    return min(int(np.searchsorted(running, draw * running[-1], side="right")), len(running) - 1)
