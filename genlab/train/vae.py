"""The VAE's training loop: maximise the ELBO (beta-weighted KL as an option), yielding TrainEvents."""
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import torch

from genlab.core.data import ImageSplit
from genlab.core.device import autocast
from genlab.core.images import captioned_grid
from genlab.measure.metrics import vae_metrics
from genlab.models.vae import VAE, elbo_terms
from genlab.train.loop import Clock, RunningMean, Schedule, Stop, TrainEvent, descend, set_lr, shuffled_batches


@dataclass
class VAETraining:
    epochs: float = 30.0
    batch_size: int = 128
    lr: float = 2e-3
    beta: float = 1.0
    kl_warmup_steps: int = 1000  # the KL weight ramps from 0 to beta: fewer collapsed dimensions
    bf16: bool = False
    seed: int = 0
    log_every: int = 50
    evals_per_epoch: float = 1.0
    max_seconds: float | None = None


@torch.no_grad()
def preview(model: VAE, test: ImageSplit, device: torch.device) -> np.ndarray:
    """Eight test digits, their reconstructions, and sixteen samples from the prior (fixed noise), a row
    each but the samples' two, every digit captioned with which it is."""
    model.eval()
    originals = test.images[:8].to(device)
    mean, _ = model.encode(originals)
    z = torch.randn(16, model.config.latent, generator=torch.Generator().manual_seed(0)).to(device)
    grid = captioned_grid(torch.cat([originals, model.decode(mean), model.decode(z)]).cpu(),
                          ["test"] * 8 + ["rebuilt"] * 8 + ["new"] * 16, columns=8)
    model.train()
    return grid


def train_vae(model: VAE, train: ImageSplit, test: ImageSplit, settings: VAETraining,
              device: torch.device, stop: Stop | None = None) -> Iterator[TrainEvent]:
    """Train in place with Adam and a cosine schedule; losses are nats per image."""
    generator = torch.Generator().manual_seed(settings.seed)
    torch.manual_seed(settings.seed)
    model.to(device).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.lr)
    schedule = Schedule.plan(len(train), settings.batch_size, settings.epochs, settings.evals_per_epoch)
    clock, running = Clock(settings.max_seconds, stop), RunningMean()
    batches = shuffled_batches(len(train), settings.batch_size, generator)

    step = 0
    while step < schedule.total_steps and not clock.should_stop():
        images = train.images[next(batches)].to(device, non_blocking=True)
        set_lr(optimizer, schedule.cosine_lr(step, settings.lr, clock))
        kl_weight = settings.beta * min(1.0, (step + 1) / max(1, settings.kl_warmup_steps))
        with autocast(device, settings.bf16):
            logits, mean, log_var = model(images)
        recon, kl = elbo_terms(logits, images, mean, log_var)
        recon, kl = recon.mean(), kl.sum(1).mean()
        if not descend(optimizer, recon + kl_weight * kl, clock):
            break
        step += 1
        running.add(neg_elbo=(recon + kl).detach(), recon=recon.detach(), kl=kl.detach())

        measure = schedule.measure_now(step, clock)
        if step % settings.log_every == 0 or measure:
            event = schedule.event(step, clock, running)
            if measure:
                with schedule.measuring(clock):
                    event.metrics = {"test_neg_elbo": vae_metrics(model, test, device)["test_neg_elbo"]}
                    event.preview = preview(model, test, device)
            yield event

    model.eval()
    yield schedule.event(step, clock, running, metrics=vae_metrics(model, test, device),
                         preview=preview(model, test, device), done=True)
