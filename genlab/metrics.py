"""Measurements on a test split, the numbers checkpoints and `python -m genlab eval` report."""
import torch
import torch.nn.functional as F
from torch import nn

from genlab.data import ImageSplit


@torch.no_grad()
def predict_logits(model: nn.Module, images: torch.Tensor, device: torch.device, batch_size: int = 1000) -> torch.Tensor:
    was_training = model.training
    model.eval()
    chunks = [model(images[i:i + batch_size].to(device)).float().cpu() for i in range(0, len(images), batch_size)]
    model.train(was_training)
    return torch.cat(chunks)


def classifier_metrics(model: nn.Module, split: ImageSplit, device: torch.device) -> dict:
    """Accuracy, mean cross-entropy, per-class accuracy and the confusion matrix (rows: true class)."""
    logits = predict_logits(model, split.images, device)
    predicted = logits.argmax(1)
    confusion = torch.zeros(10, 10, dtype=torch.long)
    confusion.index_put_((split.labels, predicted), torch.ones_like(predicted), accumulate=True)
    per_class = confusion.diag().float() / confusion.sum(1).clamp(min=1).float()
    return {
        "test_accuracy": round((predicted == split.labels).float().mean().item(), 6),
        "test_loss": round(F.cross_entropy(logits, split.labels).item(), 6),
        "test_images": len(split),
        "per_class_accuracy": [round(a, 6) for a in per_class.tolist()],
        "confusion_matrix": confusion.tolist(),
    }
