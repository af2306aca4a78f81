"""The character LSTM's training loop: next-character cross-entropy on random windows, yielding TrainEvents."""
from dataclasses import dataclass
from typing import Iterator

import torch
import torch.nn.functional as F

from genlab.core.corpus import Corpus
from genlab.inference.writer import Sampling, write
from genlab.measure.metrics import lstm_metrics, text_loss
from genlab.models.lstm import CharLSTM
from genlab.train.loop import Clock, RunningMean, Schedule, Stop, TrainEvent, descend, set_lr


@dataclass
class LSTMTraining:
    epochs: float = 25.0  # passes over the training characters
    batch_size: int = 128
    seq_len: int = 128
    lr: float = 2e-3
    grad_clip: float = 1.0
    seed: int = 0
    log_every: int = 10
    evals_per_epoch: float = 1.0
    eval_chars: int = 30_000  # held-out characters read at each evaluation; the final one reads all
    max_seconds: float | None = None
    text_file: str = ""  # a UTF-8 text to train on instead of tiny-shakespeare


def preview(model: CharLSTM, device: torch.device, length: int = 240) -> str:
    """A sample from the model's start state at temperature 0.8, the same seed every time."""
    model.eval()
    text = "".join(write(model, "", Sampling(temperature=0.8, length=length, seed=0), device))
    model.train()
    return text


def train_lstm(model: CharLSTM, corpus: Corpus, settings: LSTMTraining, device: torch.device,
               stop: Stop | None = None) -> Iterator[TrainEvent]:
    """Train in place with Adam, a cosine schedule and gradient clipping; losses are nats per character."""
    generator = torch.Generator().manual_seed(settings.seed)
    torch.manual_seed(settings.seed)
    model.to(device).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.lr)
    schedule = Schedule.plan(len(corpus.train), settings.batch_size * settings.seq_len, settings.epochs,
                             settings.evals_per_epoch)
    clock, running = Clock(settings.max_seconds, stop), RunningMean()
    offsets = torch.arange(settings.seq_len + 1)
    last_start = len(corpus.train) - settings.seq_len - 1

    step = 0
    while step < schedule.total_steps and not clock.should_stop():
        starts = torch.randint(0, last_start, (settings.batch_size, 1), generator=generator)
        window = corpus.train[starts + offsets].to(device, non_blocking=True)
        set_lr(optimizer, schedule.cosine_lr(step, settings.lr, clock))
        logits, _ = model(window[:, :-1])
        loss = F.cross_entropy(logits.flatten(0, 1), window[:, 1:].flatten())
        if not descend(optimizer, loss, clock, settings.grad_clip):
            break
        step += 1
        running.add(loss=loss.detach())

        measure = schedule.measure_now(step, clock)
        if step % settings.log_every == 0 or measure:
            event = schedule.event(step, clock, running)
            if measure:
                with schedule.measuring(clock):
                    event.metrics = {"val_loss": text_loss(model, corpus.val[:settings.eval_chars], device)}
                    event.preview = preview(model, device)
            yield event

    model.eval()
    yield schedule.event(step, clock, running, metrics=lstm_metrics(model, corpus.val, device),
                         preview=preview(model, device), done=True)
