"""The GANs' training loop: non-saturating losses, Adam with the DCGAN settings, one-sided label
smoothing, spectral norm in the discriminator. Yields TrainEvents with a fixed-noise preview."""
from dataclasses import dataclass
from typing import Iterator

import torch
import torch.nn.functional as F
from torch import nn

from genlab.data import ImageSplit
from genlab.images import image_grid
from genlab.metrics import fid_floor, sample_quality
from genlab.models.gan import GAN
from genlab.train.loop import Clock, RunningMean, Schedule, Stop, TrainEvent, descend, shuffled_batches


@dataclass
class GANTraining:
    epochs: float = 10.0
    batch_size: int = 64
    lr: float = 2e-4
    d_lr: float = 0.0  # the discriminator's learning rate; 0: the same as lr (a larger one is TTUR)
    d_steps: int = 1  # discriminator updates per generator update
    real_label: float = 0.9  # one-sided label smoothing
    aux_weight: float = 1.0  # conditional GANs: weight of the AC-GAN loss (D and G both name the digit)
    seed: int = 0
    log_every: int = 50
    preview_every: int = 200
    max_seconds: float | None = None


def labels_for(model: GAN, count: int, generator: torch.Generator | None = None) -> torch.Tensor | None:
    if not model.classes:
        return None
    if generator is None:
        return torch.arange(count) % model.classes
    return torch.randint(0, model.classes, (count,), generator=generator)


@torch.no_grad()
def preview(model: GAN, noise: torch.Tensor) -> torch.Tensor:
    """Fixed noise, so successive previews show the same samples improving (one digit per column
    for the conditional model)."""
    model.eval()
    columns = model.classes or 8
    grid = image_grid(model.sample(noise, labels_for(model, len(noise))).cpu(), columns=columns)
    model.train()
    return grid


@torch.no_grad()
def generate(model: GAN, count: int, seed: int = 1) -> tuple[torch.Tensor, torch.Tensor | None]:
    """count samples in [0, 1] (balanced over digits for the conditional model) and their digits."""
    model.eval()
    labels = labels_for(model, count)
    chunks = [model.sample(model.noise(min(1000, count - i), seed + i),
                           None if labels is None else labels[i:i + 1000]).cpu() for i in range(0, count, 1000)]
    return torch.cat(chunks), labels


def gan_metrics(model: GAN, reader: nn.Module, train: ImageSplit, test: ImageSplit) -> dict:
    samples, labels = generate(model, len(test))
    return {**sample_quality(samples, reader, test, labels), "fid_floor_train_vs_test": fid_floor(reader, train, test)}


def train_gan(model: GAN, train: ImageSplit, test: ImageSplit, settings: GANTraining, device: torch.device,
              reader: nn.Module | None = None, stop: Stop | None = None) -> Iterator[TrainEvent]:
    """Train in place; the final event carries FID and class statistics when a reader CNN is given."""
    generator = torch.Generator().manual_seed(settings.seed)
    torch.manual_seed(settings.seed)
    model.to(device).train()
    g_opt = torch.optim.Adam(model.generator.parameters(), lr=settings.lr, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(model.discriminator.parameters(), lr=settings.d_lr or settings.lr, betas=(0.5, 0.999))
    schedule = Schedule.plan(len(train), settings.batch_size * settings.d_steps, settings.epochs, 1.0)
    fixed_noise = model.noise(model.classes * 6 if model.classes else 64, seed=1234).to(device)
    clock, running = Clock(settings.max_seconds, stop), RunningMean()
    batches = shuffled_batches(len(train), settings.batch_size, generator)

    def fake_batch(count: int):
        labels = labels_for(model, count, generator)
        labels = None if labels is None else labels.to(device)
        noise = torch.randn(count, model.config.noise, generator=generator).to(device)
        return model.generator(noise, labels), labels

    step = 0
    while step < schedule.total_steps and not clock.should_stop():
        for _ in range(settings.d_steps):
            index = next(batches)
            real = train.images[index].to(device) * 2 - 1
            real_labels = train.labels[index].to(device) if model.classes else None
            fake, fake_labels = fake_batch(len(index))
            real_logits, real_digits = model.discriminator.judge(real, real_labels)
            fake_logits, _ = model.discriminator.judge(fake.detach(), fake_labels)
            d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, settings.real_label))
                      + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
            if real_digits is not None:  # D learns to name real digits only, so it cannot learn G's mistakes
                d_loss = d_loss + settings.aux_weight * F.cross_entropy(real_digits, real_labels)
            if not descend(d_opt, d_loss, clock):
                break
        fake, fake_labels = fake_batch(settings.batch_size)
        g_logits, g_digits = model.discriminator.judge(fake, fake_labels)
        g_loss = F.binary_cross_entropy_with_logits(g_logits, torch.ones_like(g_logits))  # non-saturating
        if g_digits is not None:
            g_loss = g_loss + settings.aux_weight * F.cross_entropy(g_digits, fake_labels)
        if not descend(g_opt, g_loss, clock):
            break
        step += 1
        running.add(d_loss=d_loss.detach(), g_loss=g_loss.detach(), d_real=torch.sigmoid(real_logits).mean().detach(),
                    d_fake=torch.sigmoid(fake_logits).mean().detach())

        if step % settings.log_every == 0 or step % settings.preview_every == 0:
            event = schedule.event(step, clock, running)
            if step % settings.preview_every == 0:
                event.preview = preview(model, fixed_noise)
            yield event

    model.eval()
    metrics = gan_metrics(model, reader, train, test) if reader is not None else {}
    yield schedule.event(step, clock, running, metrics=metrics, preview=preview(model, fixed_noise), done=True)
