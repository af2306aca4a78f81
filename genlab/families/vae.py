"""Variational autoencoders of MNIST digits: the VAE explorer's models."""
import torch
from torch import nn

from genlab.core.data import load_mnist
from genlab.families.base import Architecture, Evaluation, Family, Metric, Score
from genlab.families.recipes import TIME, Knob, Recipe, batch, epochs, hidden, lr
from genlab.measure.judges import digit_reader
from genlab.measure.metrics import predict_logits, sample_quality, vae_metrics
from genlab.models.vae import VAE, VAEConfig
from genlab.train.loop import Stop
from genlab.train.vae import VAETraining, train_vae


def train(model: nn.Module, settings: VAETraining, device: torch.device, stop: Stop | None = None):
    return train_vae(model, load_mnist(train=True), load_mnist(train=False), settings, device, stop=stop)


@torch.no_grad()
def prior_samples(model: VAE, count: int, device: torch.device, seed: int = 1) -> torch.Tensor:
    z = torch.randn(count, model.config.latent, generator=torch.Generator().manual_seed(seed))
    return torch.cat([model.decode(z[i:i + 1000].to(device)).cpu() for i in range(0, count, 1000)])


def evaluate(model: nn.Module, device: torch.device, judges: dict[str, nn.Module]) -> Evaluation:
    test = load_mnist(train=False)
    measured = vae_metrics(model, test, device)
    quality = sample_quality(prior_samples(model, len(test), device), judges["cnn"], test)
    return {**measured, **quality}, []


@torch.no_grad()
def legible_share(checkpoint, device: torch.device, count: int = 1000) -> float:
    """How many reconstructions of test digits the committed CNN reads as the digit they came from."""
    test = load_mnist(train=False)
    model = checkpoint.model.to(device)
    mean, _ = model.encode(test.images[:count].to(device))
    recon = model.decode(mean)
    read = predict_logits(digit_reader(device), recon, device).argmax(1)
    return float((read == test.labels[:count]).float().mean())


def probe(model: VAE) -> int:
    """One digit encoded and decoded (the app runs batches of them: the limits scale alike)."""
    model.decode_logits(model.encode(torch.zeros(1, 1, 28, 28))[0])
    return 1


FAMILY = Family(
    name="vae", title="VAE", dataset="MNIST", settings=VAETraining,
    preview="Live preview: test digits, their reconstructions, then new digits from the prior",
    architectures=(
        Architecture("vae", "VAE", VAE, VAEConfig, Recipe({
            "epochs": epochs(2.0), "lr": lr(6e-3), "batch_size": batch(32),
            "width": hidden("Hidden units", 32, 1024, 256),
            "latent": Knob("Latent dimensions", 2, 16, 16, 1, "config.latent"),
            "beta": Knob("Beta (weight of the KL term)", 0.1, 10.0, 1.0, 0.1, "settings.beta"),
            "max_seconds": TIME,
        }, config={"channels": (16, 32)}, settings={"log_every": 10, "evals_per_epoch": 4.0, "kl_warmup_steps": 50}),
            bench_seconds=10),
    ),
    train=train, evaluate=evaluate,
    metrics=(Metric("test_neg_elbo", "Test negative ELBO (nats/image)", "{:.4g}", headline=True),
             Metric("test_recon", "  reconstruction term", "{:.4g}"),
             Metric("test_kl", "  KL term (nats)", "{:.4g}", headline=True),
             Metric("active_dims", "Active latent dimensions", "{}", headline=True),
             Metric("fid", "FID of 10k prior samples (our CNN's features)", "{:.4g}")),
    score=Score("reconstructions the CNN reads right", "{:.1%}", legible_share),
    probe=probe,
    tab="VAE explorer",
)
