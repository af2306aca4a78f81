"""A convolutional VAE for 28x28 digits: encoder to a diagonal Gaussian q(z|x), decoder to Bernoulli logits."""
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class VAEConfig:
    latent: int = 16
    channels: tuple[int, int] = (32, 64)
    hidden: int = 512


class VAE(nn.Module):
    arch = "vae"
    family = "vae"

    def __init__(self, config: VAEConfig):
        super().__init__()
        self.config = config
        c1, c2 = config.channels
        # stride-2 convolutions only: full-resolution layers cost 4x more and bought little here
        self.encoder = nn.Sequential(
            nn.Conv2d(1, c1, 4, stride=2, padding=1), nn.SiLU(),  # 14x14
            nn.Conv2d(c1, c2, 4, stride=2, padding=1), nn.SiLU(),  # 7x7
            nn.Flatten(), nn.Linear(c2 * 49, config.hidden), nn.SiLU(),
            nn.Linear(config.hidden, 2 * config.latent),
        )
        self.decoder = nn.Sequential(
            nn.Linear(config.latent, config.hidden), nn.SiLU(),
            nn.Linear(config.hidden, c2 * 49), nn.SiLU(), nn.Unflatten(1, (c2, 7, 7)),
            nn.ConvTranspose2d(c2, c1, 4, stride=2, padding=1), nn.SiLU(),  # 14x14
            nn.ConvTranspose2d(c1, 1, 4, stride=2, padding=1),  # 28x28 logits
        )

    def encode(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean and log-variance of q(z|x)."""
        mean, log_var = self.encoder(images).chunk(2, dim=1)
        return mean, log_var.clamp(-12, 8)

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Images in [0, 1]: the Bernoulli means."""
        return torch.sigmoid(self.decoder(z))

    def forward(self, images: torch.Tensor, generator: torch.Generator | None = None):
        """(reconstruction logits, mean, log-variance) with one reparameterised sample of z."""
        mean, log_var = self.encode(images)
        noise = torch.randn(mean.shape, generator=generator, device=mean.device, dtype=mean.dtype)
        z = mean + noise * torch.exp(0.5 * log_var)
        return self.decode_logits(z), mean, log_var


def elbo_terms(logits: torch.Tensor, images: torch.Tensor, mean: torch.Tensor,
               log_var: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-image reconstruction (Bernoulli NLL summed over pixels, in nats) and KL per latent dimension."""
    recon = F.binary_cross_entropy_with_logits(logits.float(), images, reduction="none").flatten(1).sum(1)
    return recon, kl_per_dim(mean, log_var)


def kl_per_dim(mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """KL(q(z|x) || N(0, I)) per example and latent dimension, in nats (the text VAE uses it too)."""
    return 0.5 * (mean.float().pow(2) + log_var.float().exp() - 1 - log_var.float())
