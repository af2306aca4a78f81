"""The classifiers' training loop: a generator of TrainEvents, used by the command line and the browser."""
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from genlab.core.data import ImageSplit
from genlab.core.device import autocast
from genlab.core.images import captioned_grid
from genlab.measure.metrics import classifier_metrics, predict_logits
from genlab.train.augment import augment_digits
from genlab.train.loop import Clock, RunningMean, Schedule, Stop, TrainEvent, descend, set_lr, shuffled_batches


@dataclass
class ClassifierTraining:
    epochs: float = 12.0
    batch_size: int = 128
    lr: float = 2e-3
    weight_decay: float = 0.02
    label_smoothing: float = 0.05
    augment: bool = True
    bf16: bool = False  # mixed precision (genlab.core.device.autocast); off unless a benchmark shows it pays
    real_digits: int = 60000  # MNIST training digits to learn from (a seeded, balanced subset if fewer); 0: none
    generated_digits: int = 0  # digits a conditional GAN draws to add, balanced, labelled with the digit asked for
    digits_from: str = ""  # that GAN's checkpoint path without suffix (checkpoints/cdcgan)
    seed: int = 0
    log_every: int = 50
    evals_per_epoch: float = 1.0
    max_seconds: float | None = None


def preview(model: nn.Module, test: ImageSplit, device: torch.device, pool: int = 1000, shown: int = 24) -> np.ndarray:
    """What the model gets wrong so far: the first of its mistakes on `pool` test digits, each captioned
    with what it read ("read 1" under a 7). A model that gets them all right shows the first digits,
    captioned with its (right) reading."""
    images, labels = test.images[:pool], test.labels[:pool]
    read = predict_logits(model, images, device).argmax(1)
    wrong = (read != labels).nonzero().flatten()[:shown]
    if len(wrong) == 0:
        return captioned_grid(images[:shown], [str(label) for label in read[:shown].tolist()], columns=8)
    captions = [f"read {read[i]}" for i in wrong.tolist()]
    return captioned_grid(images[wrong], captions, columns=8)


def train_classifier(model: nn.Module, train: ImageSplit, test: ImageSplit, settings: ClassifierTraining,
                     device: torch.device, stop: Stop | None = None) -> Iterator[TrainEvent]:
    """Train in place with AdamW and a cosine schedule; `stop` ends it early, after a final evaluation."""
    generator = torch.Generator().manual_seed(settings.seed)
    torch.manual_seed(settings.seed)
    memory_format = torch.channels_last if device.type == "cpu" else torch.contiguous_format
    model.to(device, memory_format=memory_format).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
    schedule = Schedule.plan(len(train), settings.batch_size, settings.epochs, settings.evals_per_epoch)
    clock, running = Clock(settings.max_seconds, stop), RunningMean()
    batches = shuffled_batches(len(train), settings.batch_size, generator)

    step = 0
    while step < schedule.total_steps and not clock.should_stop():
        index = next(batches)
        images, labels = train.images[index], train.labels[index]
        if settings.augment:
            images = augment_digits(images, generator)
        images = images.to(device, memory_format=memory_format, non_blocking=True)
        labels = labels.to(device, non_blocking=True)
        set_lr(optimizer, schedule.cosine_lr(step, settings.lr, clock))
        with autocast(device, settings.bf16):
            logits = model(images)
            loss = F.cross_entropy(logits.float(), labels, label_smoothing=settings.label_smoothing)
        if not descend(optimizer, loss, clock):
            break
        step += 1
        running.add(loss=loss.detach(), train_accuracy=(logits.argmax(1) == labels).float().mean())

        measure = schedule.measure_now(step, clock)
        if step % settings.log_every == 0 or measure:
            event = schedule.event(step, clock, running)
            if measure:
                with schedule.measuring(clock):
                    event.metrics = {"test_accuracy": classifier_metrics(model, test, device)["test_accuracy"]}
                    event.preview = preview(model, test, device)
            elif step == settings.log_every:
                event.preview = preview(model, test, device)  # the first log too: a picture within seconds
            yield event

    model.eval()
    metrics = classifier_metrics(model, test, device)
    yield schedule.event(step, clock, running, metrics=metrics, preview=preview(model, test, device), done=True)
