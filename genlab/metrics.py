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


@torch.no_grad()
def vae_metrics(model: nn.Module, split: ImageSplit, device: torch.device, batch_size: int = 1000) -> dict:
    """Negative ELBO in nats per image (Bernoulli likelihood on grey levels, summed over 784 pixels,
    one posterior sample with a fixed seed), its reconstruction and KL terms, and KL per dimension."""
    from genlab.models.vae import elbo_terms

    was_training = model.training
    model.eval()
    generator = torch.Generator(device=device).manual_seed(0)
    recon_sum, kl_sum = 0.0, torch.zeros(model.config.latent)
    for i in range(0, len(split), batch_size):
        images = split.images[i:i + batch_size].to(device)
        logits, mean, log_var = model(images, generator=generator)
        recon, kl = elbo_terms(logits, images, mean, log_var)
        recon_sum += recon.sum().item()
        kl_sum += kl.sum(0).cpu()
    model.train(was_training)
    n = len(split)
    kl_per_dim = kl_sum / n
    return {
        "test_neg_elbo": round(recon_sum / n + kl_per_dim.sum().item(), 3),
        "test_recon": round(recon_sum / n, 3),
        "test_kl": round(kl_per_dim.sum().item(), 3),
        "test_images": n,
        "kl_per_dim": [round(v, 4) for v in kl_per_dim.tolist()],
        "active_dims": int((kl_per_dim > 0.05).sum()),
        "dimension_order": torch.argsort(kl_per_dim, descending=True).tolist(),
    }
