"""What drove a classifier's answer: Grad-CAM for the CNN, gradient-times-input saliency for the MLP.

The gradient of the top score is written out layer by layer (a Linear passes it back through its
weights, a ReLU where its input was positive) instead of asked of autograd, so that the very same
forward pass exports to ONNX, which has no autograd, and the page draws the heat map the server draws
(genlab.serve.export's explainer). tests/unit/test_whats_happening.py holds it to autograd's gradient."""
import torch
import torch.nn.functional as F
from torch import nn

from genlab.models.classifier import MNIST_MEAN, MNIST_STD


def backward_through(layers: nn.Sequential, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(logits, the gradient of each row's top logit with respect to x) for a stack of Flatten, Dropout
    (eval mode: the identity), Linear and ReLU layers."""
    inputs = []
    for layer in layers:
        inputs.append(x)
        x = layer(x)
    logits = x
    gradient = (torch.arange(logits.shape[1]) == logits.argmax(1, keepdim=True)).to(logits.dtype)
    for layer, given in zip(reversed(layers), reversed(inputs)):
        if isinstance(layer, nn.Linear):
            gradient = gradient @ layer.weight
        elif isinstance(layer, nn.ReLU):
            gradient = gradient * (given > 0).to(gradient.dtype)
        elif isinstance(layer, nn.Flatten):
            gradient = gradient.reshape(given.shape)
        elif not isinstance(layer, nn.Dropout):
            raise TypeError(f"No hand-written gradient through {type(layer).__name__}.")
    return logits, gradient


def grad_cam(model: nn.Module, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(logits, heat (n, 28, 28)) for (n, 1, 28, 28) images and each one's predicted class: the last conv
    map weighted by its mean gradient. The max pool hands each pooled cell's gradient to one cell of the
    map, so the map's mean gradient is the pooled gradient's sum over the map's area."""
    features = model.features(images)
    logits, pooled = backward_through(model.head, model.pool(features))
    weights = pooled.sum(dim=(2, 3), keepdim=True) / (features.shape[2] * features.shape[3])
    heat = F.relu((weights * features).sum(1, keepdim=True))
    return logits, F.interpolate(heat, size=images.shape[-2:], mode="bilinear", align_corners=False)[:, 0]


def input_saliency(model: nn.Module, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(logits, heat) for the predicted classes: gradient times input, the pixels whose ink pushed the
    answer up, lightly blurred."""
    logits, gradient = backward_through(model.net, (images - MNIST_MEAN) / MNIST_STD)
    heat = F.relu(gradient / MNIST_STD * images)
    return logits, F.avg_pool2d(heat, 3, stride=1, padding=1, count_include_pad=False)[:, 0]


@torch.no_grad()
def explain(model: nn.Module, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Logits and a heat map in [0, 1] a picture for the predicted classes of (n, 1, 28, 28) images, from
    one forward and one backward pass; model must be in eval mode."""
    method = grad_cam if hasattr(model, "features") else input_saliency
    logits, heat = method(model, images)
    return logits, heat / heat.amax(dim=(1, 2), keepdim=True).clamp(min=1e-8)
