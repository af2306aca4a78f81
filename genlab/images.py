"""Turning tensors into pictures: grids of digits, heat-map overlays, upscaling for display."""
import numpy as np
import torch


def image_grid(images: torch.Tensor, columns: int = 8, pad: int = 2) -> np.ndarray:
    """(N, C, H, W) in [0, 1] -> one uint8 picture (H', W') or (H', W', 3), digits on a grey frame."""
    images = images.detach().float().cpu().clamp(0, 1)
    n, c, h, w = images.shape
    rows = (n + columns - 1) // columns
    grid = torch.full((c, rows * (h + pad) + pad, columns * (w + pad) + pad), 0.35)
    for i in range(n):
        r, col = divmod(i, columns)
        y, x = pad + r * (h + pad), pad + col * (w + pad)
        grid[:, y:y + h, x:x + w] = images[i]
    array = (grid.numpy() * 255).round().astype(np.uint8)
    return array[0] if c == 1 else array.transpose(1, 2, 0)


def upscale(image: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour enlargement so a 28x28 digit shows its real pixels."""
    return image.repeat(factor, axis=0).repeat(factor, axis=1)


def heat_colors(heat: np.ndarray) -> np.ndarray:
    """[0, 1] -> RGB floats on a black-red-yellow-white ramp."""
    heat = np.clip(heat, 0, 1)[..., None]
    return np.clip(np.concatenate([heat * 3, heat * 3 - 1, heat * 3 - 2], axis=-1), 0, 1)


def overlay(digit: np.ndarray, heat: np.ndarray, alpha: float = 0.6) -> np.ndarray:
    """A grey digit with a heat map blended over it; both (H, W) floats in [0, 1] -> uint8 RGB."""
    grey = np.repeat(digit[..., None] * 0.8, 3, axis=-1)
    blended = (1 - alpha * heat[..., None]) * grey + alpha * heat[..., None] * heat_colors(heat)
    return (np.clip(blended, 0, 1) * 255).round().astype(np.uint8)
