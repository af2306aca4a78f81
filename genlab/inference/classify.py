"""Reading a picture of a digit: preprocessing, the model's probabilities and what drove them."""
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image
from torch import nn

from genlab.core.images import overlay, upscale
from genlab.inference.explain import explain
from genlab.inference.preprocess import Prepared, prepare_digit

UNSURE_BELOW = 0.5  # a top probability under this is reported as a guess
VERDICT = "Read as **{label}** with {confidence} confidence"
GUESS = " (a guess: this does not look much like any digit to the model)"
PREPROCESSED = " Preprocessing: {notes}."  # what preprocess did to the picture, if anything
SHOWN = 8  # a 28x28 input is shown 224x224


@dataclass
class Reading:
    probabilities: dict[str, float]  # "0".."9" -> probability
    digit: np.ndarray  # the 28x28 input the model received, in [0, 1]
    heat: np.ndarray  # 28x28 in [0, 1]: where the evidence for the answer was
    notes: list[str]

    @property
    def label(self) -> str:
        return max(self.probabilities, key=self.probabilities.get)

    @property
    def confidence(self) -> float:
        return self.probabilities[self.label]

    def summary(self) -> str:
        """The reading in words; the page words its own from the same parts (ui/web/classify.js)."""
        verdict = VERDICT.format(label=self.label, confidence=f"{self.confidence:.1%}")
        if self.confidence < UNSURE_BELOW:
            verdict += GUESS
        return verdict + "." + (PREPROCESSED.format(notes="; ".join(self.notes)) if self.notes else "")

    def pictures(self) -> tuple[np.ndarray, np.ndarray]:
        """The model's 28x28 input, enlarged, and the heat map blended over it at the same size."""
        seen = upscale((self.digit * 255).round().astype(np.uint8), SHOWN)
        heat = np.kron(np.asarray(self.heat, dtype=np.float32), np.ones((SHOWN, SHOWN), dtype=np.float32))
        return seen, overlay(upscale(self.digit, SHOWN), heat)  # blocky but honest: one cell per pixel


def read_digit(model: nn.Module, image: Image.Image | np.ndarray, device: torch.device | str = "cpu") -> Reading:
    """Raises preprocess.InputError (with a message for people) for blank, noisy or unreadable input."""
    prepared: Prepared = prepare_digit(image)
    batch = torch.from_numpy(prepared.digit).to(device).view(1, 1, 28, 28)
    logits, heat = explain(model, batch)
    probabilities = torch.softmax(logits.float()[0], 0).cpu().tolist()
    return Reading(
        probabilities={str(k): p for k, p in enumerate(probabilities)},
        digit=prepared.digit,
        heat=heat[0].cpu().numpy(),
        notes=prepared.notes,
    )


@torch.no_grad()
def read_batch(model: nn.Module, images: torch.Tensor) -> tuple[list[int], list[float]]:
    """Labels and confidences for MNIST-like (N, 1, 28, 28) images in [0, 1], such as decoded samples:
    how readable a generated digit is."""
    device = next(model.parameters()).device
    probabilities = torch.softmax(model(images.to(device)).float(), 1).cpu()
    confidence, label = probabilities.max(1)
    return label.tolist(), confidence.tolist()


def captions(model: nn.Module | None, images: torch.Tensor) -> list[str]:
    """'label confidence' for each image, the line shown under generated digits ('' without a model)."""
    if model is None:
        return [""] * len(images)
    return [caption(*pair) for pair in zip(*read_batch(model, images))]


def caption(label: int, confidence: float) -> str:
    """'4 (90%)': the reading, then how sure; never run together like '4 90%'."""
    return f"{label} ({confidence:.0%})"
