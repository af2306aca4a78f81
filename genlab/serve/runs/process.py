"""A part of a run trained in its own process, forked from a server process that has already imported
torch, so it starts in a fraction of a second. It uses its own threads without stalling the server's
inference (it runs at a lower priority), it can be killed without harming anything else (past its time
limit, or when it does not stop soon after Stop), and what it hands back is a checkpoint on disk that
the server validates like any other."""
import multiprocessing as mp
import os
import queue
import threading
import time
from typing import Any

import torch

from genlab.core.device import pick_device
from genlab.serve.runs.reports import Report, training
from genlab.serve.runs.run import Part, StopFile

STOP_GRACE = 60.0  # seconds a run may take after Stop (its final evaluation) before it is killed
START_GRACE = 120.0  # seconds beyond its time cap a run may take (data loading, final evaluation)
TRAIN_NICENESS = 10  # training yields the CPU to the server's sliders and samples whenever they need it
PRELOADED = ["genlab.serve.runs.process", "genlab.serve.preload"]  # what the fork server imports once


def default_threads() -> int:
    """Threads for a training process: every core, since it runs at a lower priority than the server."""
    wanted = os.environ.get("GENLAB_TRAIN_THREADS")
    return max(1, int(wanted)) if wanted else (os.cpu_count() or 1)


def _context() -> Any:
    """Fork from a server that preloaded torch and genlab (fast, and safe with CUDA); spawn elsewhere."""
    if "forkserver" in mp.get_all_start_methods():
        context = mp.get_context("forkserver")
        context.set_forkserver_preload(PRELOADED)
        return context
    return mp.get_context("spawn")


def _train_in_child(name: str, config: Any, settings: Any, out: str, events: Any, stop: StopFile, threads: int) -> None:
    """The body of a part's process: train on the server's device, sending every report back."""
    if hasattr(os, "nice"):
        os.nice(TRAIN_NICENESS)
    torch.set_num_threads(threads)
    for report in training(name, config, settings, out, stop, pick_device()):
        events.put(report)


def _noop() -> None:
    """Started once at start-up so the fork server has imported torch before the first Train click."""


class Processes:
    """The processes parts train in, one each, forked from one fork server and supervised to the end."""

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads or default_threads()
        self.context = _context()

    def warm_up(self) -> None:
        """Start the fork server now, in the background, instead of on the first click."""
        threading.Thread(target=lambda: self.context.Process(target=_noop).start(), daemon=True).start()

    def train(self, part: Part, stop: StopFile) -> Report:
        """Train the part in a child process, collecting what it reports into part.events, and killing
        it past its time limit or when it does not stop soon after Stop; returns the last report."""
        events = self.context.Queue()
        process = self.context.Process(
            target=_train_in_child, daemon=True,
            args=(part.name, part.config, part.settings, str(part.path), events, stop, self.threads))
        process.start()
        part.pid = process.pid
        cap = getattr(part.settings, "max_seconds", None)
        deadline = time.monotonic() + (cap or 3600) + START_GRACE
        stop_asked_at = None
        kind, payload = None, None
        while kind not in ("done", "error"):
            if stop.is_set() and stop_asked_at is None:
                stop_asked_at = time.monotonic()
            try:
                kind, payload = events.get(timeout=0.25)
            except queue.Empty:
                if not process.is_alive():
                    kind, payload = "error", f"the training process ended unexpectedly (exit code {process.exitcode})"
                elif time.monotonic() > deadline or (stop_asked_at and time.monotonic() - stop_asked_at > STOP_GRACE):
                    process.kill()
                    kind, payload = "error", "the run went past its time limit and was ended"
                continue
            if kind == "event":
                part.events.append(payload)
        process.join(timeout=10)
        return kind, payload
