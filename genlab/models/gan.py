"""GANs for 28x28 digits: a fully connected GAN, a DCGAN and a class-conditional DCGAN.

Generators map noise (and, for the conditional one, a digit) to images in [-1, 1] (tanh);
`sample` returns them in [0, 1]. Discriminators return one logit per image and use spectral
norm, which keeps their gradients tame without batch norm.
"""
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from genlab.core.seeds import gaussian


@dataclass
class MLPGANConfig:
    noise: int = 100
    hidden: tuple[int, ...] = (256, 512, 1024)
    batch_norm: bool = False  # batch norm after each hidden layer of the generator
    generator_leak: float = 0.2  # slope of the generator's LeakyReLUs (0: ReLU)


@dataclass
class DCGANConfig:
    noise: int = 100
    channels: tuple[int, int] = (32, 64)
    classes: int = 0  # 0: unconditional; 10: one generator for every digit
    generator_leak: float = 0.0  # slope of the generator's LeakyReLUs (0: ReLU, as in Radford et al.)
    deeper: bool = False  # a 3x3 convolution at every resolution of both networks, beside each up or down step


class MLPGenerator(nn.Module):
    def __init__(self, config: MLPGANConfig):
        super().__init__()
        layers: list[nn.Module] = []
        width = config.noise
        for hidden in config.hidden:
            norm = [nn.BatchNorm1d(hidden)] if config.batch_norm else []
            layers += [nn.Linear(width, hidden), *norm, nn.LeakyReLU(config.generator_leak)]
            width = hidden
        self.net = nn.Sequential(*layers, nn.Linear(width, 784), nn.Tanh(), nn.Unflatten(1, (1, 28, 28)))

    def forward(self, noise: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.net(noise)


class MLPDiscriminator(nn.Module):
    def __init__(self, config: MLPGANConfig):
        super().__init__()
        layers: list[nn.Module] = [nn.Flatten()]
        width = 784
        for hidden in reversed(config.hidden[1:]):
            layers += [spectral_norm(nn.Linear(width, hidden)), nn.LeakyReLU(0.2)]
            width = hidden
        self.net = nn.Sequential(*layers, spectral_norm(nn.Linear(width, 1)))

    def forward(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.judge(images, labels)[0]

    def judge(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> tuple[torch.Tensor, None]:
        """The real-or-fake logit (no digit head: this GAN is unconditional)."""
        return self.net(images).squeeze(1), None


class ConvGenerator(nn.Module):
    """noise (+ digit embedding) -> 7x7 -> 14x14 -> 28x28 with transposed convolutions and batch norm."""

    def __init__(self, config: DCGANConfig):
        super().__init__()
        c1, c2 = config.channels
        self.embed = nn.Embedding(config.classes, config.noise) if config.classes else None
        leak = config.generator_leak  # LeakyReLU(0) is ReLU
        self.project = nn.Sequential(nn.Linear(config.noise, c2 * 49, bias=False), nn.BatchNorm1d(c2 * 49),
                                     nn.LeakyReLU(leak), nn.Unflatten(1, (c2, 7, 7)))

        def refine(channels: int) -> list[nn.Module]:
            if not config.deeper:
                return []
            return [nn.Conv2d(channels, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels), nn.LeakyReLU(leak)]

        self.net = nn.Sequential(
            *refine(c2),
            nn.ConvTranspose2d(c2, c1, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(c1), nn.LeakyReLU(leak),
            *refine(c1),
            nn.ConvTranspose2d(c1, 1, 4, stride=2, padding=1), nn.Tanh(),
        )

    def forward(self, noise: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if self.embed is not None:
            noise = noise * self.embed(labels)  # the digit modulates every noise dimension
        return self.net(self.project(noise))


class ConvDiscriminator(nn.Module):
    """28 -> 14 -> 7 strided convolutions. Conditional: a projection of the class embedding, and an
    auxiliary head that names the digit (AC-GAN), which the generator is also trained to satisfy."""

    def __init__(self, config: DCGANConfig):
        super().__init__()
        c1, c2 = config.channels

        def refine(channels: int) -> list[nn.Module]:
            return [spectral_norm(nn.Conv2d(channels, channels, 3, padding=1)), nn.LeakyReLU(0.2)] if config.deeper else []

        self.features = nn.Sequential(
            spectral_norm(nn.Conv2d(1, c1, 4, stride=2, padding=1)), nn.LeakyReLU(0.2), *refine(c1),
            spectral_norm(nn.Conv2d(c1, c2, 4, stride=2, padding=1)), nn.LeakyReLU(0.2), *refine(c2),
            nn.Flatten(),
        )
        self.out = spectral_norm(nn.Linear(c2 * 49, 1))
        self.embed = spectral_norm(nn.Embedding(config.classes, c2 * 49)) if config.classes else None
        self.name_digit = nn.Linear(c2 * 49, config.classes) if config.classes else None

    def forward(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.judge(images, labels)[0]

    def judge(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The real-or-fake logit and, for the conditional model, logits over the digits."""
        features = self.features(images)
        logit = self.out(features).squeeze(1)
        if self.embed is None:
            return logit, None
        return logit + (self.embed(labels) * features).sum(1), self.name_digit(features)


class GAN(nn.Module):
    """A generator and its discriminator, saved and loaded together."""

    family = "gan"

    def __init__(self, config):
        super().__init__()
        self.config = config
        conv = isinstance(config, DCGANConfig)
        self.generator = ConvGenerator(config) if conv else MLPGenerator(config)
        self.discriminator = ConvDiscriminator(config) if conv else MLPDiscriminator(config)

    @property
    def classes(self) -> int:
        return getattr(self.config, "classes", 0)

    def noise(self, count: int, seed: int, truncation: float = 1.0) -> torch.Tensor:
        """Reproducible noise: the same seed gives the same samples; truncation < 1 shrinks it
        towards the mode (crisper, less varied digits). The page draws the same (genlab.core.seeds)."""
        return torch.from_numpy(gaussian(seed, count, self.config.noise)) * truncation

    @torch.no_grad()
    def sample(self, noise: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Images in [0, 1]; the model must be in eval mode (batch norm uses its running statistics)."""
        device = next(self.parameters()).device
        if self.classes and labels is None:
            raise ValueError("this GAN is conditional: give a digit for every noise vector")
        labels = labels.to(device) if labels is not None else None
        return (self.generator(noise.to(device), labels) + 1) / 2


class MLPGAN(GAN):
    arch = "mlpgan"


class DCGAN(GAN):
    arch = "dcgan"


@dataclass
class CDCGANConfig(DCGANConfig):
    classes: int = 10


class CDCGAN(GAN):
    arch = "cdcgan"
