"""Turn any picture of a digit into a 28x28 MNIST-style input, the way MNIST itself was made.

MNIST digits were cropped to their ink, scaled to fit a 20x20 box keeping the aspect ratio
(anti-aliased), and placed in a 28x28 frame with their centre of mass at the centre. A drawing or
a photo can be dark on light or light on dark, on a transparent background, any size, with thick
or thin strokes; this module undoes those differences and refuses pictures without a digit.
"""
import base64
import binascii
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps, UnidentifiedImageError

from genlab.core.errors import RequestError

MAX_PIXELS = 40_000_000  # a 40-megapixel photo is the largest upload decoded
MAX_FILE_BYTES = 20 * 1024 * 1024
DRAWING_PREFIX = "data:image/png;base64,"  # how the page's drawing pad sends a drawing (ui/web/drawpad.js)
MAX_DRAWING_CHARS = 2_000_000  # far more than the pad's drawings take; nothing larger is decoded
WORK_SIDE = 512  # the ink map is computed at most this large
COARSE_SIDE = 128  # blobs are counted at this size
CROP_SIDE = 80  # strokes are measured and normalised with the digit this large
TARGET_STROKE = 1.9  # median MNIST stroke width, in pixels of the 20x20 box (measured as below)
MIN_CONTRAST = 0.08  # ink must differ from the background by 8% of full scale
TOO_BIG = "The file is larger than {mb} MB; upload a smaller image."
TOO_MANY_PIXELS = "The image is {width}x{height} pixels, over the {megapixels}-megapixel cap; upload a smaller one."
NOT_AN_IMAGE = "This file is not an image that can be read (PNG, JPEG, WebP, GIF or BMP)."
UPLOAD_WORDS = {"too_big": TOO_BIG, "too_many_pixels": TOO_MANY_PIXELS, "not_an_image": NOT_AN_IMAGE}  # the page's too


class InputError(RequestError):
    """Input a person can fix; the message is written for them."""


class BlankImageError(InputError):
    pass


class NotADigitError(InputError):
    pass


@dataclass
class Prepared:
    """The 28x28 input in [0, 1] (white ink on black, like MNIST) and what was done to get it."""

    digit: np.ndarray
    notes: list[str] = field(default_factory=list)


def open_image(source: str | Path | bytes) -> Image.Image:
    """Open an uploaded file with size caps checked before any pixel is decoded, turned the way its camera
    recorded (EXIF orientation), as the person sees it and as a browser decodes it (ui/web/upload.js)."""
    try:
        if isinstance(source, bytes):
            data = source
        else:
            path = Path(source)
            if path.stat().st_size > MAX_FILE_BYTES:
                raise InputError(TOO_BIG.format(mb=MAX_FILE_BYTES >> 20))
            data = path.read_bytes()
        image = Image.open(BytesIO(data))
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise InputError(TOO_MANY_PIXELS.format(width=width, height=height, megapixels=MAX_PIXELS // 1_000_000))
        image.load()
        return ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as err:
        if isinstance(err, InputError):
            raise
        raise InputError(NOT_AN_IMAGE) from err


def open_drawing(drawing: object) -> Image.Image | None:
    """A drawing from the page's pad (a PNG as a data URL) as an image; None when nothing is drawn ('')."""
    if drawing is None or drawing == "":
        return None
    wrong = f"A drawing is sent as a PNG data URL ('{DRAWING_PREFIX}...'), or '' for none; draw a digit in the box."
    if not isinstance(drawing, str) or not drawing.startswith(DRAWING_PREFIX):
        raise InputError(wrong)
    if len(drawing) > MAX_DRAWING_CHARS:
        raise InputError(f"This drawing is over {MAX_DRAWING_CHARS // 1_000_000} MB as a data URL; send a smaller one.")
    try:
        data = base64.b64decode(drawing[len(DRAWING_PREFIX):], validate=True)
    except binascii.Error as err:
        raise InputError(wrong) from err
    return open_image(data)


def to_rgba(image: Image.Image | np.ndarray) -> torch.Tensor:
    """Any PIL image or array (H, W), (H, W, 3) or (H, W, 4), uint8 or float -> float (4, H, W) in
    [0, 1], shrunk (area-averaged, in PIL while still 8-bit) to at most WORK_SIDE pixels a side."""
    if isinstance(image, np.ndarray):
        array = image[..., 0] if image.ndim == 3 and image.shape[2] == 1 else image
        if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)) or min(array.shape[:2]) < 1:
            raise InputError(f"Expected a greyscale, RGB or RGBA image, got an array of shape {image.shape}.")
        if array.shape[0] * array.shape[1] > MAX_PIXELS:
            raise InputError(f"The image is {array.shape[1]}x{array.shape[0]} pixels, over the "
                             f"{MAX_PIXELS // 1_000_000}-megapixel cap.")
        if array.dtype != np.uint8:
            array = np.nan_to_num(array.astype(np.float32), nan=-1.0)
            if array.min() < 0 or array.max() > 255 or not np.isfinite(array).all():
                raise InputError("Pixel values must be finite and within 0-255 (or 0-1).")
            array = (array * (255.0 if array.max() <= 1.0 else 1.0)).round().astype(np.uint8)
        image = Image.fromarray(array)
    image = image.convert("RGBA")
    if max(image.size) > WORK_SIDE:
        scale = WORK_SIDE / max(image.size)
        image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.BOX)
    return torch.from_numpy(np.asarray(image, dtype=np.float32) / 255.0).permute(2, 0, 1).contiguous()


def resize(ink: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Area averaging when shrinking (anti-aliased, as MNIST was), bilinear when enlarging."""
    h, w = ink.shape
    mode = "area" if height <= h and width <= w else "bilinear"
    extra = {} if mode == "area" else {"align_corners": False}
    return F.interpolate(ink[None, None], size=(height, width), mode=mode, **extra)[0, 0]


def fit(ink: torch.Tensor, side: int) -> torch.Tensor:
    """Resize so the longer side is `side`, keeping the aspect ratio."""
    h, w = ink.shape
    scale = side / max(h, w)
    return resize(ink, max(1, round(h * scale)), max(1, round(w * scale)))


def ink_map(rgba: torch.Tensor, notes: list[str]) -> torch.Tensor:
    """Where the ink is, 1.0 for full ink, whatever the colours: from alpha if the background is
    transparent, else from the difference in brightness to the background (read off the border)."""
    rgb, alpha = rgba[:3], rgba[3]
    if (alpha > 0.5).float().mean() < 0.6:
        notes.append("read the strokes from the transparency")
        ink = alpha
    else:
        grey = (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) * alpha + (1 - alpha)  # over white
        border = torch.cat([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
        background = border.median()
        if background < 0.5:
            notes.append("light ink on a dark background")
        ink = (grey - background).abs()
    contrast = torch.quantile(ink.flatten()[:: max(1, ink.numel() // 100_000)], 0.999).item()
    if contrast < MIN_CONTRAST:
        raise BlankImageError("The image is blank: there is no ink to read. Draw or upload a digit.")
    ink = (ink / contrast).clamp(0, 1)
    return ((ink - 0.15) / 0.85).clamp(0, 1)  # drop paper texture and compression noise


def label_blobs(mask: torch.Tensor) -> torch.Tensor:
    """Connected components (8-neighbour) of a boolean mask: each pixel's blob number (0 for none). Each
    row's runs of set pixels are joined to the runs they touch in the row above, diagonals included
    (union-find over runs: far fewer of them than pixels, and no pass per pixel of a blob's length)."""
    edges = np.diff(np.pad(mask.numpy().astype(np.int8), ((0, 0), (1, 1))), axis=1)
    rows, starts = np.nonzero(edges == 1)
    ends = np.nonzero(edges == -1)[1]  # runs cover [start, end); both lists are in row-major order
    parent = list(range(len(rows)))

    def root(run: int) -> int:
        while parent[run] != run:
            parent[run] = parent[parent[run]]
            run = parent[run]
        return run

    first_of_row = np.searchsorted(rows, np.arange(mask.shape[0] + 1))
    for run in range(len(rows)):
        row = rows[run]
        for above in range(first_of_row[row - 1], first_of_row[row]) if row else ():
            if starts[above] <= ends[run] and starts[run] <= ends[above]:  # touching, diagonally or not
                parent[root(above)] = root(run)
    labels = np.zeros(mask.shape, np.int64)
    for run in range(len(rows)):
        labels[rows[run], starts[run]:ends[run]] = root(run) + 1
    return torch.from_numpy(labels)


def find_digit(ink: torch.Tensor, notes: list[str]) -> tuple[slice, slice]:
    """The bounding box of the digit's blobs at full size, ignoring specks; refuses noise."""
    mask = ink > 0.35
    if max(ink.shape) > COARSE_SIDE:  # max pooling keeps a fine line connected
        scale = COARSE_SIDE / max(ink.shape)
        size = (max(1, round(ink.shape[0] * scale)), max(1, round(ink.shape[1] * scale)))
        mask = F.adaptive_max_pool2d(mask.float()[None, None], size)[0, 0] > 0.5
    labels = label_blobs(mask)
    ids, sizes = torch.unique(labels[mask], return_counts=True)
    if len(ids) == 0:
        raise BlankImageError("The image is blank: there is no ink to read. Draw or upload a digit.")
    keep = ids[sizes >= max(3, 0.05 * sizes.max().item())]
    if len(keep) == 0:
        raise NotADigitError("There are only scattered specks here, not a handwritten digit.")
    if len(keep) > 12:
        raise NotADigitError(f"This looks like noise or many objects ({len(keep)} separate blobs), "
                             "not one handwritten digit.")
    if len(keep) < len(ids):
        notes.append(f"ignored {len(ids) - len(keep)} specks")
    kept = torch.isin(labels, keep)
    rows, cols = kept.any(1).nonzero()[:, 0], kept.any(0).nonzero()[:, 0]
    top, bottom, left, right = rows[0].item(), rows[-1].item() + 1, cols[0].item(), cols[-1].item() + 1
    scale_y, scale_x = ink.shape[0] / mask.shape[0], ink.shape[1] / mask.shape[1]
    rows = slice(int(top * scale_y), max(int(top * scale_y) + 1, round(bottom * scale_y)))
    cols = slice(int(left * scale_x), max(int(left * scale_x) + 1, round(right * scale_x)))
    box_h, box_w = bottom - top, right - left
    if mask[top:bottom, left:right].float().mean() > 0.75 and 0.4 < box_h / box_w < 2.5 and box_h * box_w > 64:
        # the ink fills its box: a fat-brush digit still has broad strokes and some paper showing
        if stroke_width(ink[rows, cols]) < 3.0:
            raise NotADigitError("This looks like noise or a texture, not a handwritten digit.")
        if (ink[rows, cols] > 0.5).float().mean() > 0.9:
            raise NotADigitError("This looks like a filled shape, not a handwritten digit.")
    return rows, cols


def stroke_width(ink: torch.Tensor) -> float:
    """Mean stroke width in pixels, as 2 * area / boundary: a stroke of width w and length L has
    area wL and a boundary of about 2L."""
    mask = ink > 0.5
    padded = F.pad(mask.float()[None, None], (1, 1, 1, 1))
    interior = -F.max_pool2d(-padded, 3, stride=1)[0, 0] > 0.5  # 3x3 erosion of the mask
    return 2 * mask.sum().item() / max(1, (mask & ~interior).sum().item())


def shrink_normalising_strokes(crop: torch.Tensor, notes: list[str]) -> torch.Tensor:
    """Fit the digit's crop to CROP_SIDE, thinning strokes that would be blobs in 28x28 and
    thickening ones that would fade away (a fine pen on a large canvas)."""
    side = max(crop.shape)
    to_box = 20 / side  # crop pixels -> pixels of MNIST's 20x20 box
    width = stroke_width(crop) * to_box
    radius = round((TARGET_STROKE - width) / 2 * CROP_SIDE / 20)
    h, w = crop.shape
    size = (max(1, round(h * CROP_SIDE / side)), max(1, round(w * CROP_SIDE / side)))
    if width < 1.0 and radius >= 1:
        notes.append("thickened thin strokes")
        small = F.adaptive_max_pool2d(crop[None, None], size) if side > CROP_SIDE else resize(crop, *size)[None, None]
        small = F.pad(small, (radius,) * 4)
        return F.max_pool2d(small, 2 * radius + 1, stride=1, padding=radius)[0, 0]
    small = resize(crop, *size)
    if width > 3.0 and radius <= -1:
        radius = min(-radius, int(stroke_width(small) - 2) // 2)
        if radius >= 1:
            notes.append("thinned thick strokes")
            return -F.max_pool2d(-small[None, None], 2 * radius + 1, stride=1, padding=radius)[0, 0]
    return small


def trim(ink: torch.Tensor) -> torch.Tensor:
    """Cut away empty rows and columns around the ink."""
    rows, cols = (ink > 0.05).any(1).nonzero()[:, 0], (ink > 0.05).any(0).nonzero()[:, 0]
    return ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def centre_by_mass(box: torch.Tensor) -> torch.Tensor:
    """Place the (at most 20x20) digit in 28x28 with its centre of mass at the centre pixel."""
    h, w = box.shape
    total = box.sum()
    ys, xs = torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32)
    cy, cx = (box.sum(1) @ ys / total).item(), (box.sum(0) @ xs / total).item()
    top = int(np.clip(round(14.0 - cy), 0, 28 - h))
    left = int(np.clip(round(14.0 - cx), 0, 28 - w))
    frame = torch.zeros(28, 28)
    frame[top:top + h, left:left + w] = box
    return frame


def prepare_digit(image: Image.Image | np.ndarray) -> Prepared:
    """A picture of one digit -> the 28x28 input a model trained on MNIST expects."""
    notes: list[str] = []
    ink = ink_map(to_rgba(image), notes)
    rows, cols = find_digit(ink, notes)
    crop = trim(shrink_normalising_strokes(ink[rows, cols], notes))
    box = fit(crop, 20)
    return Prepared(digit=centre_by_mass(box / box.max().clamp(min=1e-6)).numpy(), notes=notes)
