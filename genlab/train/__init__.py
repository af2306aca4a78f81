"""Which training loop, settings and data each architecture uses: the command line and the browser both look here."""
from dataclasses import dataclass
from typing import Callable, Iterator

import torch
from torch import nn

from genlab.data import load_mnist
from genlab.train.classifier import ClassifierTraining, train_classifier
from genlab.train.loop import TrainEvent
from genlab.train.vae import VAETraining, train_vae


@dataclass(frozen=True)
class Trainer:
    settings: type
    dataset: str
    run: Callable[[nn.Module, object, torch.device], Iterator[TrainEvent]]


def run_classifier(model: nn.Module, settings: ClassifierTraining, device: torch.device) -> Iterator[TrainEvent]:
    return train_classifier(model, load_mnist(train=True), load_mnist(train=False), settings, device)


def run_vae(model: nn.Module, settings: VAETraining, device: torch.device) -> Iterator[TrainEvent]:
    return train_vae(model, load_mnist(train=True), load_mnist(train=False), settings, device)


TRAINERS: dict[str, Trainer] = {
    "cnn": Trainer(ClassifierTraining, "MNIST", run_classifier),
    "mlp": Trainer(ClassifierTraining, "MNIST", run_classifier),
    "vae": Trainer(VAETraining, "MNIST", run_vae),
}
