"""Digit classifiers (CNN and MLP) on MNIST: the readers of the Classify tab, and the CNN the judge
of every generated digit."""
import torch
from torch import nn

from genlab.core.data import load_mnist
from genlab.families.base import Architecture, Evaluation, Family, Metric, Score
from genlab.families.generated import training_split
from genlab.families.recipes import TIME, Knob, Recipe, batch, epochs, hidden, lr
from genlab.measure.metrics import classifier_metrics
from genlab.models.classifier import CNN, MLP, CNNConfig, MLPConfig
from genlab.train.classifier import ClassifierTraining, train_classifier
from genlab.train.loop import Stop

LIVE = {"log_every": 10, "evals_per_epoch": 4.0, "augment": False}


def train(model: nn.Module, settings: ClassifierTraining, device: torch.device, stop: Stop | None = None):
    """Real MNIST digits, generated ones or both, as the settings ask; measured on the real test set always."""
    return train_classifier(model, training_split(settings, device), load_mnist(train=False), settings, device,
                            stop=stop)


def evaluate(model: nn.Module, device: torch.device, judges: dict[str, nn.Module]) -> Evaluation:
    measured = classifier_metrics(model, load_mnist(train=False), device)
    worst = min(range(10), key=lambda k: measured["per_class_accuracy"][k])
    return measured, [(f"Weakest digit ({worst})", f"{measured['per_class_accuracy'][worst]:.2%}")]


def probe(model: nn.Module) -> int:
    """What the app runs a classifier on: one drawing at a time."""
    model(torch.zeros(1, 1, 28, 28))
    return 1


FAMILY = Family(
    name="classifier", title="classifier", dataset="MNIST", settings=ClassifierTraining,
    preview="Live preview: test digits it gets wrong, each captioned with what it read",
    architectures=(
        Architecture("cnn", "CNN classifier", CNN, CNNConfig, Recipe({
            "epochs": epochs(1.0), "lr": lr(4e-3), "batch_size": batch(64),
            "width": Knob("Channels of the first convolution (the second has twice as many)", 4, 64, 8, 1,
                          "config.channels", lambda c: (c, 2 * c)),
            "max_seconds": TIME,
        }, config={"hidden": 64}, settings=LIVE), bench_seconds=10),
        Architecture("mlp", "MLP classifier", MLP, MLPConfig, Recipe({
            "epochs": epochs(2.0), "lr": lr(2e-3), "batch_size": batch(128),
            "width": hidden("Hidden units (two layers)", 16, 1024, 256, lambda h: (h, h)),
            "max_seconds": TIME,
        }, settings=LIVE)),
    ),
    train=train, evaluate=evaluate,
    metrics=(Metric("test_accuracy", "Test accuracy", "{:.2%}", headline=True),
             Metric("test_loss", "Test loss (nats)", "{:.4g}")),
    score=Score("test accuracy", "{:.2%}", lambda checkpoint, device: checkpoint.meta["metrics"]["test_accuracy"]),
    probe=probe,
    tab="Classify",
)
