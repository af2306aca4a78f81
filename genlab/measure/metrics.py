"""Measurements on a test split, the numbers checkpoints and `python -m genlab eval` report."""
import math
import weakref

import torch
import torch.nn.functional as F
from torch import nn

from genlab.core.data import ImageSplit

BATCH = 128  # images a measuring pass reads at once: a batch whose activations fit the CPU's caches (1,000 did not)


@torch.no_grad()
def predict_logits(model: nn.Module, images: torch.Tensor, device: torch.device, batch_size: int = BATCH) -> torch.Tensor:
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
def vae_metrics(model: nn.Module, split: ImageSplit, device: torch.device, batch_size: int = BATCH) -> dict:
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


@torch.no_grad()
def cnn_features(reader: nn.Module, images: torch.Tensor, batch_size: int = BATCH) -> torch.Tensor:
    """Penultimate-layer activations of our MNIST CNN: the feature space our FID is computed in."""
    device = next(reader.parameters()).device
    reader.eval()
    return torch.cat([reader.embed(images[i:i + batch_size].to(device)).double().cpu()
                      for i in range(0, len(images), batch_size)])


_REFERENCE_FEATURES: "weakref.WeakKeyDictionary[nn.Module, dict]" = weakref.WeakKeyDictionary()  # and floors


def reference_features(reader: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """Features of a fixed set of real images (the test split), computed once per reader and set in a
    process: a run measures FID against them many times, and a comparison trains two models."""
    cached = _REFERENCE_FEATURES.setdefault(reader, {})
    key = (images.data_ptr(), tuple(images.shape))
    if key not in cached:
        cached[key] = cnn_features(reader, images)
    return cached[key]


def frechet_distance(a: torch.Tensor, b: torch.Tensor) -> float:
    """||mu_a - mu_b||^2 + tr(Ca + Cb - 2 (Ca Cb)^1/2), with the trace of the root taken from the
    eigenvalues of Ca^1/2 Cb Ca^1/2 (symmetric, so eigh is stable)."""
    mean_a, mean_b = a.mean(0), b.mean(0)
    cov_a, cov_b = torch.cov(a.T), torch.cov(b.T)
    values, vectors = torch.linalg.eigh(cov_a)
    root_a = vectors @ torch.diag(values.clamp(min=0).sqrt()) @ vectors.T
    trace_root = torch.linalg.eigvalsh(root_a @ cov_b @ root_a).clamp(min=0).sqrt().sum()
    return float((mean_a - mean_b).pow(2).sum() + cov_a.trace() + cov_b.trace() - 2 * trace_root)


def sample_quality(samples: torch.Tensor, reader: nn.Module, test: ImageSplit,
                   requested: torch.Tensor | None = None) -> dict:
    """FID against the test images, the class histogram as the CNN reads the samples (a missing
    digit is mode collapse) and, for conditional samples, how often the CNN reads the digit asked for."""
    features = cnn_features(reader, samples)
    device = next(reader.parameters()).device
    read = torch.cat([reader.classifier_output(features[i:i + 1000].float().to(device)).argmax(1).cpu()
                      for i in range(0, len(features), 1000)])
    histogram = torch.bincount(read, minlength=10).float() / len(read)
    result = {
        "fid": round(frechet_distance(features, reference_features(reader, test.images)), 3),
        "samples": len(samples),
        "class_histogram": [round(v, 4) for v in histogram.tolist()],
    }
    if requested is not None:
        hits = (read == requested).float()
        per_class = [hits[requested == k].mean().item() for k in range(10)]
        result["requested_digit_accuracy"] = round(hits.mean().item(), 4)
        result["per_class_requested_accuracy"] = [round(v, 4) for v in per_class]
    return result


def histogram_line(shares: list[float]) -> str:
    """A class histogram as eval and the comparison table print it: "0:10% 1:9% ..."."""
    return " ".join(f"{digit}:{share:.0%}" for digit, share in enumerate(shares))


def fid_floor(reader: nn.Module, train: ImageSplit, test: ImageSplit, count: int = 10_000) -> float:
    """FID of real training images against the test images: the best a generator could hope for. A
    constant of the reader and the two splits, so worked out once per process (eval measures every
    GAN and VAE against it)."""
    cached = _REFERENCE_FEATURES.setdefault(reader, {})
    key = ("floor", train.images.data_ptr(), test.images.data_ptr(), count)
    if key not in cached:
        pick = torch.randperm(len(train), generator=torch.Generator().manual_seed(0))[:count]
        cached[key] = round(frechet_distance(cnn_features(reader, train.images[pick]),
                                             reference_features(reader, test.images)), 3)
    return cached[key]


@torch.no_grad()
def text_loss(model: nn.Module, ids: torch.Tensor, device: torch.device, streams: int = 16, chunk: int = 512) -> float:
    """Mean nats per character of a character LM over a whole text, carrying state from chunk to chunk.

    The text is cut into `streams` contiguous pieces read side by side, so each character is
    predicted from everything before it in its piece.
    """
    was_training = model.training
    model.eval()
    length = (len(ids) - 1) // streams
    inputs = ids[:streams * length].view(streams, length).to(device)
    targets = ids[1:streams * length + 1].view(streams, length).to(device)
    total, state = 0.0, None
    for start in range(0, length, chunk):
        logits, state = model(inputs[:, start:start + chunk], state)
        total += F.cross_entropy(logits.float().flatten(0, 1), targets[:, start:start + chunk].flatten(),
                                 reduction="sum").item()
    model.train(was_training)
    return total / (streams * length)


def lstm_metrics(model: nn.Module, val: torch.Tensor, device: torch.device) -> dict:
    nats = text_loss(model, val, device)
    return {"val_loss": round(nats, 5), "val_bits_per_char": round(nats / math.log(2), 5), "val_chars": len(val)}


@torch.no_grad()
def text_vae_metrics(model: nn.Module, lines: list[str], device: torch.device,
                     baselines: dict[str, nn.Module] | None = None, batch_size: int = 500, exact_lines: int = 500) -> dict:
    """Nats per held-out line: reconstruction from one posterior sample (fixed seed) and from the
    posterior mean, KL and negative ELBO; the reconstruction when the decoder is given another line's
    code (how much it uses z); the
    share of lines that greedy decoding from the posterior mean gives back exactly; and, for each
    named character LM without a code (`baselines`), its nats for the same lines: the no-latent baselines."""
    from genlab.core.lines import line_batch, line_nll, lm_line_nll, nats_per_char
    from genlab.models.vae import kl_per_dim

    was_training = model.training
    model.eval()
    generator = torch.Generator().manual_seed(0)
    recon, recon_mean, recon_other, kl, means = [], [], [], [], []
    for i in range(0, len(lines), batch_size):
        batch = line_batch(lines[i:i + batch_size], model.config.vocab).to(device)
        mean, log_var = model.encode(batch)
        z = mean + torch.randn(mean.shape, generator=generator).to(device) * torch.exp(0.5 * log_var)
        recon.append(line_nll(model.decode_logits(z, batch.inputs), batch).cpu())
        recon_mean.append(line_nll(model.decode_logits(mean, batch.inputs), batch).cpu())
        recon_other.append(line_nll(model.decode_logits(z.roll(1, 0), batch.inputs), batch).cpu())
        kl.append(kl_per_dim(mean, log_var).cpu())
        means.append(mean.cpu())
    recon, recon_mean, recon_other, kl = torch.cat(recon), torch.cat(recon_mean), torch.cat(recon_other), torch.cat(kl)
    sample = lines[:exact_lines]
    mean, _ = model.encode(line_batch(sample, model.config.vocab).to(device))
    exact = sum(a == b for a, b in zip(model.decode(mean), sample)) / len(sample)
    model.train(was_training)
    measured = {
        "val_lines": len(lines),
        "val_recon": round(float(recon.mean()), 4),
        "val_kl": round(float(kl.sum(1).mean()), 4),
        "val_neg_elbo": round(float((recon + kl.sum(1)).mean()), 4),
        "val_nats_per_char": round(nats_per_char(recon + kl.sum(1), lines), 4),
        "val_recon_at_mean": round(float(recon_mean.mean()), 4),
        "val_recon_other_code": round(float(recon_other.mean()), 4),
        "kl_per_dim": [round(float(k), 4) for k in kl.mean(0)],
        "active_dims": int((torch.cat(means).var(0) > 0.01).sum()),  # Burda et al.'s active units
        "exact_reconstructions": round(exact, 4),
    }
    for name, baseline in (baselines or {}).items():
        if baseline.config.vocab == model.config.vocab:
            measured[f"no_latent_{name}"] = round(float(lm_line_nll(baseline, lines, device).mean()), 4)
    return measured
