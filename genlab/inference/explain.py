"""What drove a classifier's answer: Grad-CAM for the CNN, gradient-times-input saliency for the MLP."""
import torch
import torch.nn.functional as F
from torch import nn


def grad_cam(model: nn.Module, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(logits, heat) for one (1, 1, 28, 28) image and its predicted class: the last conv map
    weighted by its mean gradient."""
    features = model.features(image).detach().requires_grad_(True)
    logits = model.classify_features(features)
    (gradient,) = torch.autograd.grad(logits[0].max(), features)
    weights = gradient.mean(dim=(2, 3), keepdim=True)
    heat = F.relu((weights * features).sum(1, keepdim=True))
    heat = F.interpolate(heat, size=image.shape[-2:], mode="bilinear", align_corners=False)[0, 0]
    return logits.detach(), heat.detach()


def input_saliency(model: nn.Module, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(logits, heat) for the predicted class: gradient times input, the pixels whose ink pushed the
    answer up, lightly blurred."""
    image = image.detach().requires_grad_(True)
    logits = model(image)
    (gradient,) = torch.autograd.grad(logits[0].max(), image)
    heat = F.relu(gradient * image)
    heat = F.avg_pool2d(heat, 3, stride=1, padding=1, count_include_pad=False)[0, 0]
    return logits.detach(), heat.detach()


def explain(model: nn.Module, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Logits and a heat map in [0, 1] for the predicted class, from one forward and one backward
    pass; model must be in eval mode."""
    method = grad_cam if hasattr(model, "features") else input_saliency
    with torch.enable_grad():
        logits, heat = method(model, image)
    return logits, heat / heat.max().clamp(min=1e-8)
