"""What a model family is: one record that the command line, the Train tab, eval and bench all read.

A family groups the architectures that train with the same loop on the same data (the CNN and the
MLP are both classifiers). Its record says what it learns from, how it trains, how it is measured
and how its figures are printed, and where in the app a model of it is used.
"""
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator

import torch
from torch import nn

from genlab.families.recipes import Recipe
from genlab.train.loop import Stop, TrainEvent


@dataclass(frozen=True)
class Metric:
    """A figure a family reports: the key it is stored under in a checkpoint's metrics, how a person
    reads it, and how it is printed. Headline metrics are the ones a finished live run shows and plots."""

    key: str
    label: str
    format: str  # a str.format pattern: "{:.2%}", "{:.3f}"
    headline: bool = False

    def show(self, value: Any) -> str:
        return self.format.format(value)


@dataclass(frozen=True)
class Score:
    """The one figure `bench train` compares between a live run and the committed checkpoint, and how
    to measure it on a loaded checkpoint (stored metric or measured afresh)."""

    label: str
    format: str
    measure: Callable[[Any, torch.device], float]  # (Checkpoint, device) -> figure

    def show(self, value: float) -> str:
        return f"{self.label} {self.format.format(value)}"


@dataclass(frozen=True)
class Architecture:
    """One trainable model of a family, by the name checkpoints record (`arch`)."""

    name: str
    title: str  # as the Train tab lists it
    model: type[nn.Module]
    config: type  # the model's config dataclass
    recipe: Recipe  # what a person may set for a live run, and its defaults
    bench_seconds: int | None = None  # live run length `bench train` measures; None: not measured


Evaluation = tuple[dict[str, Any], list[tuple[str, str]]]  # every raw measurement, and rows not stored


@dataclass(frozen=True)
class Family:
    name: str  # as checkpoints record it ("gan")
    title: str  # how a person names one model of it ("GAN", "character LSTM")
    dataset: str  # what it learns from, as a checkpoint records it
    settings: type  # the training settings dataclass its loop takes
    architectures: tuple[Architecture, ...]
    train: Callable[[nn.Module, Any, torch.device, Stop | None], Iterator[TrainEvent]]  # loads its data
    evaluate: Callable[[nn.Module, torch.device, dict[str, nn.Module]], Evaluation]  # (model, device, judges)
    metrics: tuple[Metric, ...]  # in the order eval prints them
    score: Score
    probe: Callable[[nn.Module], int]  # one position of the largest input the app runs: how many it has
    tab: str  # the tab where a model of this family is used
    text_unit: str | None = None  # text families learn "characters" of a running text or its "lines"
    preview: str = "Live preview"  # what the Train tab's live picture of a run shows, as its label says
    configure: Callable[[Any, Any], Any] = lambda config, settings: config  # fields the data decides (vocab)

    @property
    def learns_from_text(self) -> bool:
        """Whether it learns from tiny-shakespeare or a text a person gives (else from MNIST)."""
        return self.text_unit is not None

    @property
    def headline(self) -> tuple[Metric, ...]:
        return tuple(m for m in self.metrics if m.headline)

    def build(self, architecture: Architecture, values: dict[str, Any]) -> tuple[Any, Any]:
        """(config, settings) of a live run for these knob values; RecipeError names a bad knob."""
        config, settings = architecture.recipe.apply(values)
        return replace(architecture.config(), **config), replace(self.settings(), **settings)
