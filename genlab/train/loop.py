"""What every family's training loop shares: the progress event it yields, the clock that decides
when it ends, and the gradient step that refuses to make its weights non-finite."""
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator, Protocol

import numpy as np
import torch


class Stop(Protocol):
    """A threading.Event or a multiprocessing Event: whatever the caller sets to end a run early."""

    def is_set(self) -> bool: ...


@dataclass
class TrainEvent:
    """One report from a training loop. The command line prints it; the browser draws it.

    `losses` are running means since the last event; `metrics` hold evaluations (test accuracy,
    ELBO, ...) when the loop measured them at this step; `preview` is an image (uint8 array) or a
    text sample, or None; `done` marks the last event, after the final evaluation. `stopped_because`
    says, for a person, why the loop ended itself early (its loss became non-finite); it is empty
    when the run completed, reached its time cap or was asked to stop.
    """

    step: int
    total_steps: int
    epoch: float
    elapsed: float
    losses: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    preview: np.ndarray | str | None = None
    done: bool = False
    stopped_because: str = ""

    @property
    def fraction(self) -> float:
        return min(1.0, self.step / max(1, self.total_steps))

    @property
    def seconds_left(self) -> float:
        """Time left at the pace so far (inf before the first step)."""
        if self.step == 0:
            return float("inf")
        return self.elapsed * (self.total_steps - self.step) / self.step

    def line(self) -> str:
        """A one-line summary for logs and the command line."""
        parts = [f"step {self.step}/{self.total_steps}", f"epoch {self.epoch:.2f}", f"{self.elapsed:.0f}s"]
        parts += [f"{k} {v:.4f}" for k, v in self.losses.items()]
        parts += [f"{k} {v:.4f}" for k, v in self.metrics.items() if isinstance(v, float)]
        return "  ".join(parts + [self.stopped_because] if self.stopped_because else parts)


class RunningMean:
    """Means of named values since the last read, so events report smooth losses."""

    def __init__(self) -> None:
        self.sums: dict[str, float] = {}
        self.count = 0

    def add(self, **values: torch.Tensor | float) -> None:
        for name, value in values.items():
            self.sums[name] = self.sums.get(name, 0.0) + float(value)
        self.count += 1

    def read(self) -> dict[str, float]:
        means = {k: v / max(1, self.count) for k, v in self.sums.items()}
        self.sums, self.count = {}, 0
        return means


class Clock:
    """Elapsed time of a run, its wall-time cap (None: no cap), an optional stop signal, and the
    reason the loop halted itself, if it did.

    Loops ask `should_stop()` every step, so a Stop button takes effect within one step and the
    loop still ends with its final evaluation of what it has learned so far.
    """

    def __init__(self, max_seconds: float | None, stop: Stop | None = None) -> None:
        self.start = time.perf_counter()
        self.max_seconds = max_seconds
        self.stop = stop
        self.halted_because = ""

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def should_stop(self) -> bool:
        if self.halted_because or (self.stop is not None and self.stop.is_set()):
            return True
        return self.max_seconds is not None and self.elapsed >= self.max_seconds

    def halt(self, because: str) -> None:
        """End the run at this step for a reason its final event tells the person who started it."""
        self.halted_because = because


def shuffled_batches(n: int, batch_size: int, generator: torch.Generator):
    """Endless index batches over n items, reshuffled each epoch; drops the ragged last batch."""
    while True:
        order = torch.randperm(n, generator=generator)
        for start in range(0, n - batch_size + 1, batch_size):
            yield order[start:start + batch_size]


TIME_MARKS = 8  # a run with a time limit is measured about this often over it, besides every eval_every steps...
EVAL_SHARE = 0.15  # ...but spends at most about this share of its time on those extra measurements


@dataclass
class Schedule:
    """How long a run is in steps, when it evaluates, and its learning rate at each step."""

    steps_per_epoch: int
    total_steps: int
    eval_every: int
    measured_at: float = 0.0  # the clock when the last measurement ended
    measuring_took: float = 0.0  # and how long it took

    def measure_now(self, step: int, clock: Clock) -> bool:
        """Whether to measure the model on held-out data at this step (never the last: the final
        evaluation does). Every eval_every steps; and, in a run with a time limit, whenever a
        TIME_MARKS-th of it has passed since the last measurement, so that a short run cut by its clock
        still draws a curve, spaced out further where measuring is slow (EVAL_SHARE)."""
        if step >= self.total_steps:
            return False
        if step % self.eval_every == 0:
            return True
        if not clock.max_seconds:
            return False
        gap = max(clock.max_seconds / TIME_MARKS, self.measuring_took / EVAL_SHARE)
        left = clock.max_seconds - clock.elapsed
        return clock.elapsed - self.measured_at >= gap and left > gap / 2

    @contextmanager
    def measuring(self, clock: Clock) -> Iterator[None]:
        """Around a measurement: notes when it ended and how long it took (measure_now spaces the next)."""
        started = clock.elapsed
        yield
        self.measured_at = clock.elapsed
        self.measuring_took = self.measured_at - started

    @classmethod
    def plan(cls, items: int, batch_size: int, epochs: float, evals_per_epoch: float) -> "Schedule":
        steps_per_epoch = max(1, items // batch_size)
        return cls(steps_per_epoch, max(1, round(epochs * steps_per_epoch)),
                   max(1, round(steps_per_epoch / evals_per_epoch)))

    def cosine_lr(self, step: int, peak: float, clock: Clock | None = None) -> float:
        """Linear warm-up then cosine decay to zero: robust defaults for short runs.

        With a clock whose run has a time cap, the decay follows whichever is further along, the
        steps or the time, so a run cut short by its cap still ends on a small learning rate.
        """
        warmup = min(200, self.total_steps // 10 + 1)
        if step < warmup:
            return peak * (step + 1) / warmup
        progress = (step - warmup) / max(1, self.total_steps - warmup)
        if clock is not None and clock.max_seconds:
            progress = max(progress, clock.elapsed / clock.max_seconds)
        return peak * 0.5 * (1.0 + np.cos(np.pi * min(1.0, progress)))

    def event(self, step: int, clock: Clock, running: RunningMean, **fields) -> TrainEvent:
        return TrainEvent(step, self.total_steps, step / self.steps_per_epoch, clock.elapsed, running.read(),
                          stopped_because=clock.halted_because, **fields)


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    for group in optimizer.param_groups:
        group["lr"] = lr


NON_FINITE = ("the {} became non-finite (NaN or infinite), so the run stopped there; the model keeps its "
              "weights from the step before. A lower learning rate may help.")


def descend(optimizer: torch.optim.Optimizer, loss: torch.Tensor, clock: Clock, max_norm: float | None = None) -> bool:
    """One gradient step on `loss`, its gradients clipped to `max_norm` if given; False, with no step
    taken, once the run has halted.

    A diverging run (a learning rate too high for its model) must end with the weights it had before
    its loss or gradients became NaN or infinite: so both are checked before the optimizer applies
    anything, and the first non-finite one halts the run with the reason its final event reports.
    """
    if clock.halted_because:
        return False
    if not torch.isfinite(loss):
        clock.halt(NON_FINITE.format("training loss"))
        return False
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    parameters = [p for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
    norm = torch.nn.utils.get_total_norm([p.grad for p in parameters])
    if not torch.isfinite(norm):
        clock.halt(NON_FINITE.format("gradients"))
        return False
    if max_norm is not None:
        torch.nn.utils.clip_grads_with_norm_(parameters, max_norm, norm)
    optimizer.step()
    return True
