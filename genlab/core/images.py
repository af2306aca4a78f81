"""Turning tensors into pictures: grids of digits, heat-map overlays, upscaling for display."""
import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

CAPTION_PX = 18  # caption text height: readable when a grid of eight columns fits a phone's width
CAPTION_ROW = CAPTION_PX + 6  # the band under each digit of a captioned grid


def image_grid(images: torch.Tensor, columns: int = 8, pad: int = 2) -> np.ndarray:
    """(N, C, H, W) in [0, 1] -> one uint8 picture (H', W') or (H', W', 3), digits on a grey frame."""
    images = images.detach().float().cpu().nan_to_num(0.0).clamp(0, 1)  # a diverged model's NaNs show as black
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


def ink(image: torch.Tensor, factor: int) -> np.ndarray:
    """A generated (1, 28, 28) digit in [0, 1] as dark ink on white, enlarged: the pixels the page
    draws for the same image (ui/web/digit.js)."""
    return upscale(255 - (image[0].detach().cpu().numpy() * 255).round().astype(np.uint8), factor)


def heat_colors(heat: np.ndarray) -> np.ndarray:
    """[0, 1] -> RGB floats on a black-red-yellow-white ramp."""
    heat = np.clip(heat, 0, 1)[..., None]
    return np.clip(np.concatenate([heat * 3, heat * 3 - 1, heat * 3 - 2], axis=-1), 0, 1)


def overlay(digit: np.ndarray, heat: np.ndarray, alpha: float = 0.6) -> np.ndarray:
    """A grey digit with a heat map blended over it; both (H, W) floats in [0, 1] -> uint8 RGB."""
    grey = np.repeat(digit[..., None] * 0.8, 3, axis=-1)
    blended = (1 - alpha * heat[..., None]) * grey + alpha * heat[..., None] * heat_colors(heat)
    return (np.clip(blended, 0, 1) * 255).round().astype(np.uint8)


def captioned_grid(images: torch.Tensor, captions: list[str], columns: int, scale: int = 3) -> np.ndarray:
    """Digits (N, 1, 28, 28) in [0, 1] as dark ink on white, enlarged, each with a caption (such as
    the classifier's reading) beneath, in rows of `columns`."""
    images = images.detach().float().cpu().nan_to_num(0.0).clamp(0, 1)  # a diverged model's NaNs show as white
    n = images.shape[0]
    tile, caption_h = 28 * scale, CAPTION_ROW
    rows = (n + columns - 1) // columns
    sheet = Image.new("RGB", (columns * tile, rows * (tile + caption_h)), "white")
    draw, font = ImageDraw.Draw(sheet), ImageFont.load_default(size=CAPTION_PX)
    for i in range(n):
        r, c = divmod(i, columns)
        x, y = c * tile, r * (tile + caption_h)
        digit = 255 - (images[i, 0].numpy() * 255).round().astype(np.uint8)
        sheet.paste(Image.fromarray(digit).resize((tile, tile), Image.NEAREST), (x, y))
        draw.text((x + tile / 2, y + tile + caption_h / 2), captions[i], fill=(20, 20, 20), font=font, anchor="mm")
    return np.asarray(sheet)


def grid_cell(x: float, y: float, count: int, columns: int, scale: int = 3) -> int | None:
    """Which digit of a captioned_grid of `count` the pixel (x, y) falls on (its caption included), or None."""
    tile = 28 * scale
    column, row = int(x // tile), int(y // (tile + CAPTION_ROW))
    index = row * columns + column
    return index if 0 <= column < columns and 0 <= index < count and x >= 0 and y >= 0 else None
