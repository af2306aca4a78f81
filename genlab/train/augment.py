"""Batch augmentation for MNIST-like digits, on whole tensors (no per-image Python loop).

Small rotations, scalings, shears and shifts, plus thicker and thinner strokes: the variations a
person's drawing has and MNIST's scans mostly lack.
"""
import math

import torch
import torch.nn.functional as F


def random_affine(images: torch.Tensor, generator: torch.Generator, degrees: float = 12.0,
                  scale: tuple[float, float] = (0.85, 1.1), shear: float = 0.15, shift: float = 0.12) -> torch.Tensor:
    n = images.shape[0]

    def uniform(low: float, high: float) -> torch.Tensor:
        return torch.rand(n, generator=generator) * (high - low) + low

    angle = uniform(-degrees, degrees) * math.pi / 180
    zoom = uniform(*scale)
    sh = uniform(-shear, shear)
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack([
        torch.stack([cos, -sin + sh, uniform(-shift, shift)], dim=1),
        torch.stack([sin, cos, uniform(-shift, shift)], dim=1),
    ], dim=1).to(images.device, images.dtype)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, align_corners=False, padding_mode="zeros")


def random_stroke_width(images: torch.Tensor, generator: torch.Generator, share: float = 0.3) -> torch.Tensor:
    """Dilate a share/2 of the batch and erode another share/2 with a 2x2 grey-level morphology."""
    n = images.shape[0]
    pick = torch.rand(n, generator=generator).to(images.device)
    padded = F.pad(images, (0, 1, 0, 1))
    dilated = F.max_pool2d(padded, 2, stride=1)
    eroded = -F.max_pool2d(-padded, 2, stride=1)
    out = torch.where((pick < share / 2).view(n, 1, 1, 1), dilated, images)
    return torch.where((pick > 1 - share / 2).view(n, 1, 1, 1), eroded, out)


def augment_digits(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    return random_stroke_width(random_affine(images, generator), generator).clamp_(0.0, 1.0)
