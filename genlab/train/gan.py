"""The GANs' training loop: non-saturating losses, Adam with the DCGAN settings, one-sided label
smoothing, spectral norm in the discriminator, an optional moving average of the generator's
weights. Yields TrainEvents with a fixed-noise preview."""
from dataclasses import dataclass, replace
from typing import Iterator

import torch
import torch.nn.functional as F
from torch import nn

from genlab.core.data import ImageSplit
from genlab.core.images import image_grid
from genlab.measure.metrics import cnn_features, fid_floor, frechet_distance, reference_features, sample_quality
from genlab.models.gan import GAN
from genlab.train.loop import Clock, RunningMean, Schedule, Stop, TrainEvent, descend, shuffled_batches

FID_SAMPLES_DURING_RUN = 2000
FID_DURING_RUN = "fid_2k"  # the metric's key in events; biased above the final 10k-sample FID


@dataclass
class GANTraining:
    epochs: float = 10.0
    batch_size: int = 64
    lr: float = 2e-4
    d_lr: float = 0.0  # the discriminator's learning rate; 0: the same as lr (a larger one is TTUR)
    d_steps: int = 1  # discriminator updates per generator update
    real_label: float = 0.9  # one-sided label smoothing
    aux_weight: float = 1.0  # conditional GANs: weight of the AC-GAN loss (D and G both name the digit)
    ema: float = 0.0  # decay of the moving average of the generator's weights that is kept; 0: the last weights
    seed: int = 0
    log_every: int = 50
    preview_every: int = 200
    fid_every: int = 0  # steps between FIDs of 2,000 samples during the run (needs the reader), and at each
    # TIME_MARKS-th of a time limit (genlab.train.loop.Schedule.measure_now); 0: at the end only
    measure_floor: bool = True  # the FID floor in the final metrics: the reader's constant, which live runs skip
    max_seconds: float | None = None


def labels_for(model: GAN, count: int, generator: torch.Generator | None = None) -> torch.Tensor | None:
    if not model.classes:
        return None
    if generator is None:
        return torch.arange(count) % model.classes
    return torch.randint(0, model.classes, (count,), generator=generator)


class WeightAverage:
    """An exponential moving average of the generator's weights (Yazici et al. 2019): a GAN's weights
    orbit the equilibrium rather than settle, and their recent average draws cleaner, more varied
    digits than the last step's. The decay warms up, so early averages do not remember the random
    start. `swapped` puts the average in the generator for a while (previews, the end of the run)."""

    def __init__(self, network: nn.Module, decay: float) -> None:
        self.network, self.decay, self.updates = network, decay, 0
        self.weights = [p.detach().clone() for p in network.parameters()]

    @torch.no_grad()
    def update(self) -> None:
        self.updates += 1
        decay = min(self.decay, (1 + self.updates) / (10 + self.updates))
        torch._foreach_lerp_(self.weights, [p.detach() for p in self.network.parameters()], 1 - decay)

    @torch.no_grad()
    def swap(self) -> None:
        for average, weight in zip(self.weights, self.network.parameters()):
            kept = weight.detach().clone()
            weight.copy_(average)
            average.copy_(kept)


@torch.no_grad()
def recalibrate_batch_norm(model: GAN, device: torch.device, batches: int = 20, size: int = 500) -> None:
    """Batch norm's running statistics measured afresh for the generator's current weights (they were
    gathered while other weights trained; an averaged generator needs its own)."""
    norms = [m for m in model.generator.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # a plain average over the batches below
    model.generator.train()
    for i in range(batches):
        labels = labels_for(model, size)
        model.generator(model.noise(size, seed=10_000 + i).to(device), None if labels is None else labels.to(device))
    for norm in norms:
        norm.momentum = 0.1
    model.eval()


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


def gan_metrics(model: GAN, reader: nn.Module, train: ImageSplit, test: ImageSplit, floor: bool = True) -> dict:
    """FID and class statistics of as many samples as test images; with `floor`, the FID of real
    training images too (what a perfect generator would score)."""
    samples, labels = generate(model, len(test))
    measured = sample_quality(samples, reader, test, labels)
    return {**measured, "fid_floor_train_vs_test": fid_floor(reader, train, test)} if floor else measured


def train_gan(model: GAN, train: ImageSplit, test: ImageSplit, settings: GANTraining, device: torch.device,
              reader: nn.Module | None = None, stop: Stop | None = None) -> Iterator[TrainEvent]:
    """Train in place; the final event carries FID and class statistics when a reader CNN is given."""
    generator = torch.Generator().manual_seed(settings.seed)
    torch.manual_seed(settings.seed)
    model.to(device).train()
    g_opt = torch.optim.Adam(model.generator.parameters(), lr=settings.lr, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(model.discriminator.parameters(), lr=settings.d_lr or settings.lr, betas=(0.5, 0.999))
    schedule = Schedule.plan(len(train), settings.batch_size * settings.d_steps, settings.epochs, 1.0)
    schedule = replace(schedule, eval_every=settings.fid_every or schedule.total_steps)  # what "measure" means here: an FID
    fixed_noise = model.noise(model.classes * 6 if model.classes else 64, seed=1234).to(device)
    clock, running = Clock(settings.max_seconds, stop), RunningMean()
    batches = shuffled_batches(len(train), settings.batch_size, generator)
    average = WeightAverage(model.generator, settings.ema) if settings.ema else None

    measures_fid = reader is not None and settings.fid_every > 0

    def with_kept_weights(measure):
        """measure() run on the weights the run will keep (the average, when there is one)."""
        if average is None:
            return measure()
        average.swap()
        try:
            return measure()
        finally:
            average.swap()

    def fid_so_far() -> float:
        samples, _ = generate(model, FID_SAMPLES_DURING_RUN)
        model.train()
        return round(frechet_distance(cnn_features(reader, samples), reference_features(reader, test.images)), 3)

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
        if average is not None:
            average.update()
        step += 1
        running.add(d_loss=d_loss.detach(), g_loss=g_loss.detach(), d_real=torch.sigmoid(real_logits).mean().detach(),
                    d_fake=torch.sigmoid(fake_logits).mean().detach())

        measure_fid = measures_fid and schedule.measure_now(step, clock)  # also through a short run's time limit
        if step % settings.log_every == 0 or step % settings.preview_every == 0 or measure_fid:
            event = schedule.event(step, clock, running)
            if step % settings.preview_every == 0:
                event.preview = with_kept_weights(lambda: preview(model, fixed_noise))
            if measure_fid:
                with schedule.measuring(clock):
                    event.metrics[FID_DURING_RUN] = with_kept_weights(fid_so_far)
            yield event

    if average is not None:
        average.swap()  # the model keeps the averaged weights
        recalibrate_batch_norm(model, device)
    model.eval()
    metrics = gan_metrics(model, reader, train, test, settings.measure_floor) if reader is not None else {}
    yield schedule.event(step, clock, running, metrics=metrics, preview=preview(model, fixed_noise), done=True)
