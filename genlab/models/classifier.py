"""MNIST classifiers: a feed-forward network and a small CNN. Both take images in [0, 1]."""
from dataclasses import dataclass

import torch
from torch import nn

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


@dataclass
class MLPConfig:
    hidden: tuple[int, ...] = (800, 800)
    dropout: float = 0.2


@dataclass
class CNNConfig:
    channels: tuple[int, int] = (32, 64)
    hidden: int = 128
    dropout: float = 0.3


class MLP(nn.Module):
    arch = "mlp"
    family = "classifier"

    def __init__(self, config: MLPConfig):
        super().__init__()
        self.config = config
        layers: list[nn.Module] = [nn.Flatten()]
        width = 28 * 28
        for hidden in config.hidden:
            layers += [nn.Linear(width, hidden), nn.ReLU(), nn.Dropout(config.dropout)]
            width = hidden
        layers.append(nn.Linear(width, 10))
        self.net = nn.Sequential(*layers)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.net((images - MNIST_MEAN) / MNIST_STD)


def conv_block(c_in: int, c_out: int) -> nn.Sequential:
    """Two 3x3 convolutions with batch norm; the caller pools."""
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(),
        nn.Conv2d(c_out, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(),
    )


class CNN(nn.Module):
    """28x28 -> two conv blocks (28 -> 14 -> 7) -> a small dense head.

    `features` returns the last conv block's 14x14 map before pooling: Grad-CAM looks there.
    """

    arch = "cnn"
    family = "classifier"

    def __init__(self, config: CNNConfig):
        super().__init__()
        self.config = config
        c1, c2 = config.channels
        self.block1 = conv_block(1, c1)
        self.block2 = conv_block(c1, c2)
        self.pool = nn.MaxPool2d(2)
        self.head = nn.Sequential(
            nn.Flatten(), nn.Dropout(config.dropout), nn.Linear(c2 * 7 * 7, config.hidden), nn.ReLU(),
            nn.Dropout(config.dropout), nn.Linear(config.hidden, 10),
        )

    def features(self, images: torch.Tensor) -> torch.Tensor:
        return self.block2(self.pool(self.block1((images - MNIST_MEAN) / MNIST_STD)))

    def classify_features(self, features: torch.Tensor) -> torch.Tensor:
        return self.head(self.pool(features))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.classify_features(self.features(images))

    def embed(self, images: torch.Tensor) -> torch.Tensor:
        """The penultimate layer's activations (the feature space FID uses)."""
        return self.head[:-2](self.pool(self.features(images)))

    def classifier_output(self, embedding: torch.Tensor) -> torch.Tensor:
        """Logits from `embed`'s activations (eval mode: dropout is the identity)."""
        return self.head[-1](embedding)
