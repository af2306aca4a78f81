"""What a person may set when training in the browser: the same few knobs for every architecture,
and the caps that keep a shared Space alive. Each family module writes its architectures' recipes
from these parts.

Every architecture reads the same knobs (so the API has one shape); each recipe says what a knob
means for it (the width of a CNN is its first layer's channels, of an LSTM its hidden size) and
which knobs it ignores. Then come the GAN tuning article's five, which only the GANs read, and the
depth that only the DCGANs read.
"""
import math
from dataclasses import dataclass, field
from typing import Any, Callable

from genlab.core.errors import RequestError

KNOBS = ("epochs", "lr", "batch_size", "width", "latent", "beta", "max_seconds",
         "d_steps", "leak", "real_label", "d_lr", "ema", "depth")
MAX_SECONDS = 600  # the longest a browser run may train


class RecipeError(RequestError):
    """A knob value outside what the recipe allows; the message names the knob and its range."""


@dataclass(frozen=True)
class Knob:
    label: str
    low: float
    high: float
    default: float
    step: float  # 1 for whole numbers
    target: str  # "config.<field>" or "settings.<field>"
    shape: Callable[[float], Any] = lambda value: value  # knob value -> field value
    info: str = ""  # one line under the slider: what the knob is meant to fix


@dataclass(frozen=True)
class Recipe:
    knobs: dict[str, Knob]
    config: dict[str, Any] = field(default_factory=dict)  # fixed architecture choices
    settings: dict[str, Any] = field(default_factory=dict)  # fixed training settings

    def apply(self, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The config and settings fields these knob values set; refuses missing, non-finite or
        out-of-range values."""
        parts = {"config": dict(self.config), "settings": dict(self.settings)}
        for key, knob in self.knobs.items():
            value = values.get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise RecipeError(f"{knob.label} must be a number from {knob.low:g} to {knob.high:g}; got {value!r}")
            if not knob.low <= value <= knob.high:
                raise RecipeError(f"{knob.label} must be from {knob.low:g} to {knob.high:g}; got {value:g}")
            if knob.step == 1:
                value = int(round(value))
            part, field_name = knob.target.split(".")
            parts[part][field_name] = knob.shape(value)
        return parts["config"], parts["settings"]

    def defaults(self) -> dict[str, float]:
        return {key: knob.default for key, knob in self.knobs.items()}


def epochs(default: float, high: float = 20.0) -> Knob:
    return Knob("Epochs (passes over the training data)", 0.05, high, default, 0.05, "settings.epochs")


def lr(default: float) -> Knob:
    return Knob("Learning rate", 1e-5, 0.05, default, 1e-5, "settings.lr")


def batch(default: int, high: int = 512) -> Knob:
    return Knob("Batch size", 8, high, default, 1, "settings.batch_size")


def hidden(label: str, low: int, high: int, default: int, shape: Callable[[int], Any] = lambda h: h) -> Knob:
    return Knob(label, low, high, default, 1, "config.hidden", shape)


TIME = Knob("Time limit (seconds)", 5, MAX_SECONDS, 120, 1, "settings.max_seconds", float)
