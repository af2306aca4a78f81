"""What a person may set when training in the browser: the same few knobs for every architecture,
defaults picked for fast first results on two CPU cores, and the caps that keep a shared Space alive.

Every architecture reads the same seven knobs (so the API has one shape); each recipe says what a
knob means for it (the width of a CNN is its first layer's channels, of an LSTM its hidden size)
and which knobs it ignores.
"""
import math
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from genlab.models import ARCHITECTURES
from genlab.train import TRAINERS

KNOBS = ("epochs", "lr", "batch_size", "width", "latent", "beta", "max_seconds")
MAX_SECONDS = 600  # the longest a browser run may train


class RecipeError(ValueError):
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


@dataclass(frozen=True)
class Recipe:
    title: str
    family: str
    knobs: dict[str, Knob]
    config: dict[str, Any] = field(default_factory=dict)  # fixed architecture choices
    settings: dict[str, Any] = field(default_factory=dict)  # fixed training settings

    def build(self, name: str, values: dict[str, Any]) -> tuple[Any, Any]:
        """(config, settings) for these knob values; refuses missing, non-finite or out-of-range ones."""
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
        config = replace(ARCHITECTURES[name].config(), **parts["config"])
        settings = replace(TRAINERS[name].settings(), **parts["settings"])
        return config, settings

    def defaults(self) -> dict[str, float]:
        return {key: knob.default for key, knob in self.knobs.items()}


def epochs(default: float, high: float = 20.0) -> Knob:
    return Knob("Epochs (passes over the training data)", 0.05, high, default, 0.05, "settings.epochs")


def lr(default: float) -> Knob:
    return Knob("Learning rate", 1e-5, 0.05, default, 1e-5, "settings.lr")


def batch(default: int, high: int = 512) -> Knob:
    return Knob("Batch size", 8, high, default, 1, "settings.batch_size")


TIME = Knob("Time limit (seconds)", 5, MAX_SECONDS, 120, 1, "settings.max_seconds", float)
LIVE_CLASSIFIER = {"log_every": 10, "evals_per_epoch": 4.0}
LIVE_GAN = {"log_every": 20, "preview_every": 50}

CONV_GAN = {  # the DCGAN and its conditional twin share their knobs
    "epochs": epochs(2.0, 50.0), "lr": lr(2e-4), "batch_size": batch(64),
    "width": Knob("Channels (the larger layer has twice as many)", 8, 64, 16, 1, "config.channels",
                  lambda c: (c, 2 * c)),
    "latent": Knob("Noise dimensions", 2, 128, 64, 1, "config.noise"),
    "max_seconds": TIME,
}

RECIPES: dict[str, Recipe] = {
    "cnn": Recipe("CNN classifier", "classifier", {
        "epochs": epochs(1.0), "lr": lr(4e-3), "batch_size": batch(64),
        "width": Knob("Channels of the first convolution (the second has twice as many)", 4, 64, 8, 1,
                      "config.channels", lambda c: (c, 2 * c)),
        "max_seconds": TIME,
    }, config={"hidden": 64}, settings={**LIVE_CLASSIFIER, "augment": False}),
    "mlp": Recipe("MLP classifier", "classifier", {
        "epochs": epochs(2.0), "lr": lr(2e-3), "batch_size": batch(128),
        "width": Knob("Hidden units (two layers)", 16, 1024, 256, 1, "config.hidden", lambda h: (h, h)),
        "max_seconds": TIME,
    }, settings={**LIVE_CLASSIFIER, "augment": False}),
    "vae": Recipe("VAE", "vae", {  # 10 s here: 90% of its reconstructions read right by our CNN
        "epochs": epochs(2.0), "lr": lr(6e-3), "batch_size": batch(32),
        "width": Knob("Hidden units", 32, 1024, 256, 1, "config.hidden"),
        "latent": Knob("Latent dimensions", 2, 16, 16, 1, "config.latent"),
        "beta": Knob("Beta (weight of the KL term)", 0.1, 10.0, 1.0, 0.1, "settings.beta"),
        "max_seconds": TIME,
    }, config={"channels": (16, 32)}, settings={"log_every": 10, "evals_per_epoch": 4.0, "kl_warmup_steps": 50}),
    "mlpgan": Recipe("MLP GAN", "gan", {  # 30 s here: FID 56-59, every digit drawn (lr 2e-4, 512 wide: FID 290)
        "epochs": epochs(2.0, 50.0), "lr": lr(2e-3), "batch_size": batch(32),
        "width": Knob("Hidden units of the widest layer", 64, 1024, 128, 1, "config.hidden",
                      lambda h: (h // 4, h // 2, h)),
        "latent": Knob("Noise dimensions", 2, 128, 64, 1, "config.noise"),
        "max_seconds": TIME,
    }, config={"batch_norm": True}, settings=LIVE_GAN),
    "dcgan": Recipe("DCGAN", "gan", CONV_GAN, settings=LIVE_GAN),
    "cdcgan": Recipe("Conditional DCGAN", "gan", CONV_GAN, settings=LIVE_GAN),
    "lstm": Recipe("Character LSTM", "lstm", {
        "epochs": epochs(1.0, 20.0), "lr": lr(3e-3), "batch_size": batch(32, 256),
        "width": Knob("Hidden units", 32, 512, 256, 1, "config.hidden"),
        "max_seconds": TIME,
    }, config={"layers": 1, "dropout": 0.0, "embed": 64},
        settings={"seq_len": 64, "log_every": 10, "evals_per_epoch": 10.0, "eval_chars": 10_000}),
    "textvae": Recipe("Sentence VAE", "textvae", {
        "epochs": epochs(3.0, 50.0), "lr": lr(3e-3), "batch_size": batch(64, 256),
        "width": Knob("Hidden units", 32, 512, 128, 1, "config.hidden"),
        "latent": Knob("Latent dimensions", 2, 64, 16, 1, "config.latent"),
        "beta": Knob("Beta (weight of the KL term)", 0.1, 10.0, 1.0, 0.1, "settings.beta"),
        "max_seconds": TIME,
    }, config={"embed": 48}, settings={"log_every": 10, "evals_per_epoch": 4.0, "eval_lines": 300,
                                       "kl_warmup_steps": 300}),
    "textgan": Recipe("Text GAN", "textgan", {
        "epochs": Knob("Pre-training epochs (maximum likelihood, before the GAN)", 0.05, 50.0, 3.0, 0.05,
                       "settings.epochs"),
        "lr": Knob("Learning rate (pre-training)", 1e-5, 0.05, 3e-3, 1e-5, "settings.lr"),
        "batch_size": batch(64, 256),
        "width": Knob("Hidden units", 32, 512, 128, 1, "config.hidden"),
        "max_seconds": TIME,
    }, config={"embed": 48}, settings={"adversarial_steps": 300, "log_every": 10, "preview_every": 50}),
}
