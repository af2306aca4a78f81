"""What the VAE explorer does with a VAE: slider values to a code and back, decoding a code into a
digit with the CNN's reading of it, the decoded map of a 2-D latent space, encoding a drawn or
uploaded digit, and interpolation between two digits. The tab and the benchmarks both call these."""
import math
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image
from torch import nn

from genlab.core.checkpoint import Checkpoint
from genlab.core.data import DataMissingError, ImageSplit, load_mnist
from genlab.core.errors import RequestError
from genlab.core.images import captioned_grid, ink
from genlab.core.seeds import checked_seed, gaussian
from genlab.inference.classify import captions
from genlab.inference.latent import CLASS_COLOURS, draw_map, draw_path, draw_posterior, gif, grid_codes, path, to_code
from genlab.inference.preprocess import open_image, prepare_digit
from genlab.measure.metrics import BATCH

SLIDERS = 16  # the most latent dimensions a slider can reach
EXTENT = 3.0  # sliders and the map span [-3, 3], three prior standard deviations
MAP_CELLS = 15
MAP_SIDE = MAP_CELLS * 28  # pixels
MAPS_KEPT = 8  # 2-D maps kept in memory (the pretrained one and the latest visitors' own), least recently used out
MAX_FRAMES = 64
FRAMES_REFUSED = f"Frames must be between 2 and {MAX_FRAMES}."
SCALE = 8  # a decoded 28x28 digit is shown 224x224
PREVIEW_SCALE = 4  # an interpolation end is shown 112x112
SOURCES = ("test digit", "random", "current sliders", "my drawing")  # where an interpolation end comes from


@dataclass
class Decoded:
    picture: np.ndarray  # uint8, dark digit on white, SCALE times the model's size
    reading: str  # the CNN's "label confidence", '' without a CNN


@dataclass
class Interpolation:
    strip: np.ndarray  # the frames side by side, each captioned with the CNN's reading
    animation: bytes  # a looping GIF


class Explorer:
    """The explorer's calls for any VAE checkpoint, with the CNN that reads what is decoded."""

    def __init__(self, reader: nn.Module | None, device: torch.device):
        self.reader, self.device = reader, device
        self.maps: OrderedDict[str, tuple[np.ndarray, np.ndarray, torch.Tensor]] = OrderedDict()
        self._test: ImageSplit | None = None

    @staticmethod
    def order(vae: Checkpoint) -> list[int]:
        """Latent dimensions in the sliders' order: a 2-D model's as its map's axes (across, then up),
        any other's most used (largest KL on the test set) first."""
        latent = vae.meta["config"]["latent"]
        if latent == 2:
            return [0, 1]
        return vae.meta["metrics"].get("dimension_order") or list(range(latent))

    @classmethod
    def slider_captions(cls, vae: Checkpoint) -> list[tuple[str, str]]:
        """Each slider's label and, under it, how much of what the code says about a digit its dimension
        carries (its share of the KL on the test set), with a bar against the most used one."""
        kl = vae.meta["metrics"].get("kl_per_dim", [])
        total, most = sum(kl) or 1.0, max(kl, default=0.0) or 1.0
        axes = {0: ": across the map", 1: ": up the map"} if vae.meta["config"]["latent"] == 2 else {}
        captions = []
        for dim in cls.order(vae)[:SLIDERS]:
            info = ""
            if dim < len(kl):
                blocks = round(10 * kl[dim] / most)
                info = f"{'▮' * blocks}{'▯' * (10 - blocks)} {kl[dim] / total:.0%} of what the code says about a digit"
                info += " (the decoder ignores it)" if kl[dim] / total < 0.005 else ""
            captions.append((f"z{dim + 1}{axes.get(dim, '')}", info))
        return captions

    @staticmethod
    def origin(vae: Checkpoint) -> torch.Tensor:
        return torch.zeros(vae.meta["config"]["latent"])

    def test_split(self) -> ImageSplit:
        if self._test is None:
            try:
                self._test = load_mnist(train=False)
            except DataMissingError:
                raise RequestError(NO_TEST_DIGITS) from None
        return self._test

    def code(self, vae: Checkpoint, values: list[float]) -> torch.Tensor:
        """Slider values (most-used dimension first) -> the latent code, clamped to the sliders' range."""
        values = [float(v) for v in values]
        if not all(math.isfinite(v) for v in values):
            raise RequestError("Latent values must be finite numbers.")
        z = self.origin(vae)
        for slot, dim in enumerate(self.order(vae)[:SLIDERS]):
            z[dim] = max(-EXTENT, min(EXTENT, values[slot])) if slot < len(values) else 0.0
        return z

    def slider_values(self, vae: Checkpoint, z: torch.Tensor) -> list[float]:
        """The code as the sliders show it: most-used dimension first, clamped, rounded, padded with zeros."""
        values = [round(float(z[dim].clamp(-EXTENT, EXTENT)), 2) for dim in self.order(vae)[:SLIDERS]]
        return values + [0.0] * (SLIDERS - len(values))

    @torch.no_grad()
    def decode(self, vae: Checkpoint, z: torch.Tensor) -> Decoded:
        """What one slider move shows: the decoded digit and the CNN's reading of it."""
        image = vae.model.decode(z.view(1, -1).to(self.device)).cpu()
        return Decoded(ink(image[0], SCALE), captions(self.reader, image)[0])

    @torch.no_grad()
    def map_parts(self, vae: Checkpoint) -> tuple[np.ndarray, np.ndarray, torch.Tensor]:
        """The test set's encodings, their labels and the decoded grid of a 2-D model, computed once per
        checkpoint and kept for the MAPS_KEPT most recently used ones (visitors' own 2-D VAEs come and go)."""
        key = str(vae.path)
        if key in self.maps:
            self.maps.move_to_end(key)
            return self.maps[key]
        model = vae.model
        decoded = model.decode(grid_codes(EXTENT, MAP_CELLS).to(self.device)).cpu()
        try:
            test = self.test_split()
            points = torch.cat([model.encode(test.images[i:i + BATCH].to(self.device))[0].cpu()
                                for i in range(0, len(test), BATCH)]).numpy()
            labels = test.labels.numpy()
        except RequestError:  # no test digits here: the map is drawn without them
            points, labels = np.zeros((0, 2)), np.zeros(0, int)
        self.maps[key] = (points, labels, decoded)
        if len(self.maps) > MAPS_KEPT:
            self.maps.popitem(last=False)
        return self.maps[key]

    def draw_map(self, vae: Checkpoint, walked: torch.Tensor | None = None,
                 posterior: tuple[torch.Tensor, torch.Tensor] | None = None) -> np.ndarray | None:
        """The 2-D latent map, with an interpolation's codes drawn as its path, or a digit's posterior
        (mean, standard deviation) as rings, if given; None for a model with more than two dimensions.
        Where the code is, and the axes, the page draws over it (ui/web/explore.js)."""
        if vae.meta["config"]["latent"] != 2:
            return None
        points, labels, decoded = self.map_parts(vae)
        picture = draw_map(decoded, MAP_CELLS, points[:3000], labels[:3000], EXTENT)
        if walked is not None:
            picture = draw_path(picture, walked.clamp(-EXTENT, EXTENT), EXTENT)
        if posterior is not None:
            picture = draw_posterior(picture, *posterior, EXTENT)
        return picture

    @staticmethod
    def map_point(x: float, y: float) -> torch.Tensor:
        """The code at pixel (x, y) of the map."""
        return torch.tensor(to_code(x, y, EXTENT, MAP_SIDE))

    @staticmethod
    def prior_sample(vae: Checkpoint, seed: float) -> torch.Tensor:
        return torch.from_numpy(gaussian(checked_seed(seed), 1, vae.meta["config"]["latent"])[0])

    def encode(self, vae: Checkpoint, picture: np.ndarray | Image.Image) -> torch.Tensor:
        """The mean code of a drawn or uploaded digit, after the classifier's preprocessing."""
        return self.posterior(vae, picture)[0]

    @torch.no_grad()
    def posterior(self, vae: Checkpoint, picture: np.ndarray | Image.Image) -> tuple[torch.Tensor, torch.Tensor]:
        """The encoder's Gaussian for a drawn or uploaded digit: its mean and standard deviation."""
        digit = prepare_digit(picture).digit
        mean, log_var = vae.model.encode(torch.from_numpy(digit).view(1, 1, 28, 28).to(self.device))
        return mean[0].cpu(), (0.5 * log_var[0]).exp().cpu()

    def test_digit(self, number: float) -> tuple[torch.Tensor, int]:
        """Test digit `number`: its (1, 28, 28) image and what digit it is."""
        test = self.test_split()
        if not (0 <= number < len(test)) or number != int(number):
            raise RequestError(TEST_RANGE.format(last=len(test) - 1))
        return test.images[int(number)], int(test.labels[int(number)])

    def endpoint(self, vae: Checkpoint, source: str, number: float, sliders: list[float],
                 drawing: Image.Image | np.ndarray | None, upload_path: str | None) -> torch.Tensor:
        """One end of an interpolation: a test digit's code, a prior sample by seed, the sliders' code
        or the code of the visitor's digit."""
        if source == "test digit":
            with torch.no_grad():
                return vae.model.encode(self.test_digit(number)[0][None].to(self.device))[0][0].cpu()
        if source == "random":
            return self.prior_sample(vae, number)
        if source == "current sliders":
            return self.code(vae, sliders)
        if source == "my drawing":
            return self.encode(vae, visitor_digit(drawing, upload_path))
        raise RequestError(f"An interpolation starts and ends at one of {list(SOURCES)}; got {source!r}.")

    def end_preview(self, vae: Checkpoint, source: str, number: float, sliders: list[float],
                    drawing: Image.Image | np.ndarray | None, upload_path: str | None) -> tuple[np.ndarray, str]:
        """What one end of an interpolation is, for a visitor choosing it: a test digit as it is, with its
        class (test digit 0 is a 7, not a zero); any other end decoded, with the CNN's reading."""
        if source == "test digit":
            image, label = self.test_digit(number)
            return ink(image, PREVIEW_SCALE), f"Test digit {int(number)}: a {label}"
        decoded = self.decode(vae, self.endpoint(vae, source, number, sliders, drawing, upload_path))
        return decoded.picture[::SCALE // PREVIEW_SCALE, ::SCALE // PREVIEW_SCALE], f"This end: {decoded.reading}"

    @torch.no_grad()
    def interpolate(self, vae: Checkpoint, a: torch.Tensor, b: torch.Tensor, frames: int,
                    spherical: bool) -> Interpolation:
        if not 2 <= frames <= MAX_FRAMES:
            raise RequestError(FRAMES_REFUSED)
        codes = path(a, b, frames, spherical)
        images = vae.model.decode(codes.to(self.device)).cpu()
        return Interpolation(captioned_grid(images, captions(self.reader, images), columns=len(images)), gif(images))


NO_DIGIT = "Draw a digit (or upload one) under 'Encode your own' first."
DIGITS_PER_FILE = 100  # test digits in one of the files the page reads them from (test_digit_file)
NO_TEST_DIGITS = "The MNIST test digits are not available on this server."
TEST_RANGE = "Test digit numbers run from 0 to {last}."


def test_digit_file(number: int) -> bytes | None:
    """File `number` of the MNIST test digits, as the page reads them to interpolate from one: DIGITS_PER_FILE
    digits' 784 grey levels (uint8, row after row), then their labels (uint8); None past the last file, or where
    this machine has no MNIST. The grey levels are the split's own (float32 / 255), so the page's digit is the server's."""
    try:
        test = load_mnist(train=False)
    except DataMissingError:
        return None
    images, labels = test.images[number * DIGITS_PER_FILE:(number + 1) * DIGITS_PER_FILE], test.labels
    if number < 0 or not len(images):
        return None
    grey = (images * 255).round().to(torch.uint8).flatten().numpy().tobytes()
    return grey + labels[number * DIGITS_PER_FILE:(number + 1) * DIGITS_PER_FILE].to(torch.uint8).numpy().tobytes()


def visitor_digit(drawing: Image.Image | np.ndarray | None, upload_path: str | None) -> np.ndarray | Image.Image:
    """The digit a visitor gave: an uploaded file if any, else the drawing."""
    if upload_path:
        return open_image(upload_path)
    if drawing is None:
        raise RequestError(NO_DIGIT)
    return drawing


def legend() -> list[tuple[int, tuple[int, int, int]]]:
    """Each digit with the colour its test points have on the map."""
    return [(d, tuple(int(c) for c in CLASS_COLOURS[d])) for d in range(10)]
