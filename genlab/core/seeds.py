"""Seeds: every random draw a person can repeat is named by a whole number from 0 to MAX_SEED."""
import math
import secrets

from genlab.core.errors import RequestError

MAX_SEED = 2**32 - 1


def new_seed() -> int:
    return secrets.randbelow(MAX_SEED + 1)


def checked_seed(value: float | None, what: str = "A seed") -> int:
    if (value is None or isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
            or value != int(value) or not 0 <= value <= MAX_SEED):
        raise RequestError(f"{what} is a whole number from 0 to {MAX_SEED}.")
    return int(value)
