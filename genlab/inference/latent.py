"""Walking a latent space: paths between codes, the decoded map of a 2-D space, strips and GIFs."""
from io import BytesIO

import numpy as np
import torch
from PIL import Image, ImageDraw

# ten distinguishable colours, one per digit (Tableau 10)
CLASS_COLOURS = np.array([
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)], dtype=np.uint8)
PATH_COLOUR = (20, 20, 20)  # an interpolation's path on the map: dark, apart from the ten digits' colours


def path(a: torch.Tensor, b: torch.Tensor, frames: int, spherical: bool) -> torch.Tensor:
    """(frames, d) codes from a to b, evenly spaced (see between)."""
    return between(a, b, torch.linspace(0, 1, frames), spherical)


def between(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor, spherical: bool) -> torch.Tensor:
    """(len(t), d) codes at fractions t of the way from a to b: straight, or along the great circle
    (slerp), which keeps the norm typical of Gaussian samples instead of cutting through the
    low-density centre. The page's GAN walk (ui/web/gan_walk.js) computes the same."""
    t = t.unsqueeze(1)
    if not spherical:
        return (1 - t) * a + t * b
    cos = torch.dot(a, b) / (a.norm() * b.norm()).clamp(min=1e-8)
    omega = torch.arccos(cos.clamp(-1, 1))
    if omega.abs() < 1e-4:
        return (1 - t) * a + t * b
    return (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega)


def grid_codes(extent: float, cells: int) -> torch.Tensor:
    """Cell-centre codes of a cells x cells map over [-extent, extent]^2, row by row from the top."""
    centres = torch.linspace(-extent + extent / cells, extent - extent / cells, cells)
    z2, z1 = torch.meshgrid(centres.flip(0), centres, indexing="ij")
    return torch.stack([z1.flatten(), z2.flatten()], dim=1)


def to_pixels(z: np.ndarray, extent: float, side: int) -> np.ndarray:
    """2-D codes -> (x, y) pixel positions on a map image of side x side."""
    x = (z[:, 0] + extent) / (2 * extent) * side
    y = (extent - z[:, 1]) / (2 * extent) * side
    return np.stack([x, y], axis=1)


def to_code(x: float, y: float, extent: float, side: int) -> tuple[float, float]:
    """The inverse of to_pixels: where a click on the map lands in latent space."""
    return x / side * 2 * extent - extent, extent - y / side * 2 * extent


def draw_map(decoded: torch.Tensor, cells: int, points: np.ndarray, labels: np.ndarray, extent: float) -> np.ndarray:
    """The decoded grid (dark digits on white) with the encoded points coloured by class."""
    side = cells * 28
    tiles = decoded.view(cells, cells, 28, 28).permute(0, 2, 1, 3).reshape(side, side).cpu().numpy()
    picture = np.repeat((255 - 150 * tiles)[..., None], 3, axis=2).astype(np.uint8)
    xy = np.round(to_pixels(points, extent, side)).astype(int)
    inside = (xy >= 1).all(1) & (xy < side - 1).all(1)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            picture[xy[inside, 1] + dy, xy[inside, 0] + dx] = CLASS_COLOURS[labels[inside]]
    return picture


def draw_path(picture: np.ndarray, codes: torch.Tensor, extent: float) -> np.ndarray:
    """The map with an interpolation's path over it: a line through its codes, a dot at each frame, the
    start ringed: where the frames of the strip come from."""
    drawn = Image.fromarray(picture)
    pen = ImageDraw.Draw(drawn)
    xy = [tuple(point) for point in to_pixels(codes.numpy(), extent, picture.shape[0]).tolist()]
    pen.line(xy, fill=PATH_COLOUR, width=3)
    for x, y in xy:
        pen.ellipse((x - 4, y - 4, x + 4, y + 4), fill=PATH_COLOUR)
    (x, y) = xy[0]
    pen.ellipse((x - 9, y - 9, x + 9, y + 9), outline=PATH_COLOUR, width=3)
    return np.asarray(drawn)


def draw_posterior(picture: np.ndarray, mean: torch.Tensor, std: torch.Tensor, extent: float) -> np.ndarray:
    """The map with one digit's posterior over it: its mean code dotted, ringed at one and two standard
    deviations along each axis (the encoder's Gaussian is diagonal, so the rings are upright ellipses):
    where the decoder, in training, was shown this digit's code could be."""
    drawn = Image.fromarray(picture)
    pen = ImageDraw.Draw(drawn)
    side = picture.shape[0]
    (x, y), = to_pixels(mean[None].numpy(), extent, side).tolist()
    rx, ry = (std.numpy() / (2 * extent) * side).tolist()
    for k, width in ((1, 3), (2, 2)):
        pen.ellipse((x - k * rx, y - k * ry, x + k * rx, y + k * ry), outline=PATH_COLOUR, width=width)
    pen.ellipse((x - 4, y - 4, x + 4, y + 4), fill=PATH_COLOUR)
    return np.asarray(drawn)


def gif(frames: torch.Tensor, scale: int = 4, fps: int = 12) -> bytes:
    """An animated GIF, dark ink on white, that plays the frames forward then back (a seamless loop)."""
    pictures = [Image.fromarray(255 - (f[0].cpu().numpy() * 255).astype(np.uint8)).resize((28 * scale,) * 2, Image.NEAREST)
                for f in frames]
    loop = pictures + pictures[-2:0:-1]
    buffer = BytesIO()
    loop[0].save(buffer, format="GIF", save_all=True, append_images=loop[1:], duration=round(1000 / fps), loop=0)
    return buffer.getvalue()
