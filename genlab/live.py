"""Training runs started from the browser: one process per run, a line for the runs that wait, one
run per user at a time, and each user's finished models.

A run lives in its own process, forked from a server process that has already imported torch, so it
starts in a fraction of a second. It uses its own threads without stalling the server's inference,
it can be killed without harming anything else, and what it hands back is a checkpoint on disk that
the server validates like any other. Users are identified by an opaque string (the UI passes its
session id); nothing here knows about Gradio.
"""
import multiprocessing as mp
import os
import queue
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from genlab.checkpoint import Checkpoint, CheckpointError, checkpoint_paths, load_checkpoint
from genlab.device import pick_device
from genlab.train import train_and_save
from genlab.train.loop import TrainEvent

STOP_GRACE = 60.0  # seconds a run may take after Stop (its final evaluation) before it is killed
START_GRACE = 120.0  # seconds beyond its time cap a run may take (data loading, final evaluation)
MODEL_BUDGET = 2**30  # bytes of users' models kept in memory; the least recently used user's go first
SET_ASIDE_REMEMBERED = 10_000  # users told why their models went; older ones hear "no model yet"


class LiveError(ValueError):
    """A request the run manager refuses; the message is for the person who made it."""


TRAIN_NICENESS = 10  # training yields the CPU to the server's sliders and samples whenever they need it


def default_threads() -> int:
    """Threads for a training process: every core, since it runs at a lower priority than the server."""
    wanted = os.environ.get("GENLAB_TRAIN_THREADS")
    return max(1, int(wanted)) if wanted else (os.cpu_count() or 1)


def _context() -> Any:
    """Fork from a server that preloaded torch and genlab (fast, and safe with CUDA); spawn elsewhere."""
    if "forkserver" in mp.get_all_start_methods():
        context = mp.get_context("forkserver")
        context.set_forkserver_preload(["genlab.live", "genlab.preload"])
        return context
    return mp.get_context("spawn")


def _train_in_child(name: str, config: Any, settings: Any, out: str, events: Any, stop: Any, threads: int) -> None:
    """The body of a run's process: train, stream every event back, save the checkpoint."""
    if hasattr(os, "nice"):
        os.nice(TRAIN_NICENESS)
    torch.set_num_threads(threads)
    try:
        for event in train_and_save(name, config, settings, pick_device(), Path(out), stop):
            events.put(("event", event))
        events.put(("done", None))
    except Exception as err:  # reported to the user; the server never sees the traceback as a crash
        events.put(("error", f"{type(err).__name__}: {err}"))


def _noop() -> None:
    """Started once at start-up so the fork server has imported torch before the first Train click."""


@dataclass
class Run:
    user: str
    name: str  # architecture
    config: Any
    settings: Any
    folder: Path
    stop_signal: Any
    state: str = "waiting"  # waiting, running, stopping, finished, stopped, failed
    events: list[TrainEvent] = field(default_factory=list)
    error: str = ""
    checkpoint: Checkpoint | None = None
    abandoned: bool = False  # the user left while it ran: its model is thrown away
    pid: int | None = None  # the training process, while there is one

    @property
    def active(self) -> bool:
        return self.state in ("waiting", "running", "stopping")

    @property
    def path(self) -> Path:
        """The checkpoint's stem: name.safetensors and name.json once the run has ended."""
        return self.folder / self.name


def model_bytes(checkpoint: Checkpoint) -> int:
    """Memory a loaded model takes: its parameters and buffers."""
    return sum(t.numel() * t.element_size() for t in checkpoint.model.state_dict().values())


class Runs:
    """Every user's training runs and trained models, with a global limit on concurrent runs."""

    def __init__(self, root: Path | None = None, slots: int = 1, threads: int | None = None,
                 max_waiting: int = 32, device: torch.device | None = None, model_budget: int = MODEL_BUDGET) -> None:
        self.root = Path(root) if root is not None else Path(tempfile.mkdtemp(prefix="genlab-runs-"))
        self.device = device or pick_device()
        self.slots, self.threads, self.max_waiting = slots, threads or default_threads(), max_waiting
        self.context = _context()
        self.lock = threading.Condition()
        self.waiting: list[Run] = []
        self.running: list[Run] = []
        self.latest: dict[str, Run] = {}
        self.models: dict[str, list[Checkpoint]] = {}  # per user, oldest first; users least recently used first
        self.model_budget = model_budget
        self.set_aside: dict[str, None] = {}  # users whose models made room for others', oldest first

    def warm_up(self) -> None:
        """Start the fork server now, in the background, instead of on the first click."""
        threading.Thread(target=lambda: self.context.Process(target=_noop).start(), daemon=True).start()

    def start(self, user: str, name: str, config: Any, settings: Any) -> Run:
        """Queue a run for this user; refused while the user already has one going or the line is full."""
        with self.lock:
            current = self.latest.get(user)
            if current is not None and current.active:
                raise LiveError("You already have a training run going: stop it or let it finish first.")
            if len(self.waiting) >= self.max_waiting:
                raise LiveError(f"{len(self.waiting)} runs are already waiting; please try again in a few minutes.")
            folder = self.root / user / uuid.uuid4().hex[:12]
            run = Run(user, name, config, settings, folder, self.context.Event())
            self.waiting.append(run)
            self.latest[user] = run
        threading.Thread(target=self._drive, args=(run,), daemon=True).start()
        return run

    def position(self, run: Run) -> int:
        """1 for the first run in line, 2 for the next...; 0 once it runs."""
        with self.lock:
            return self.waiting.index(run) + 1 if run in self.waiting else 0

    def stop(self, user: str) -> Run | None:
        """Stop the user's run: a waiting one leaves the line, a running one ends after its current step."""
        with self.lock:
            run = self.latest.get(user)
            if run is None or not run.active:
                return run
            if run.state == "waiting":
                self.waiting.remove(run)
                run.state = "stopped"
                self.lock.notify_all()
            else:
                run.state = "stopping"
                run.stop_signal.set()
            return run

    def model(self, user: str, family: str) -> Checkpoint | None:
        """The user's most recent model of a family (trained or uploaded), or None."""
        with self.lock:
            if user in self.models:
                self.models[user] = self.models.pop(user)  # the most recently used now
            mine = [c for c in self.models.get(user, []) if c.meta["family"] == family]
        return mine[-1] if mine else None

    def was_set_aside(self, user: str) -> bool:
        """Whether this user's models were removed to keep the memory they take within the budget."""
        with self.lock:
            return user in self.set_aside

    def add_upload(self, user: str, files: dict[str, bytes]) -> Checkpoint:
        """A checkpoint a user uploads (its .safetensors and .json), validated like every other one."""
        weights = [n for n in files if n.endswith(".safetensors")]
        metas = [n for n in files if n.endswith(".json")]
        if len(weights) != 1 or len(metas) != 1:
            raise LiveError("Upload two files together: the model's .safetensors and its .json.")
        folder = self.root / user / ("upload-" + uuid.uuid4().hex[:12])
        folder.mkdir(parents=True)
        weights_path, meta_path = checkpoint_paths(folder / "uploaded")
        weights_path.write_bytes(files[weights[0]])
        meta_path.write_bytes(files[metas[0]])
        try:
            checkpoint = load_checkpoint(folder / "uploaded", self.device)
        except CheckpointError as err:
            shutil.rmtree(folder, ignore_errors=True)
            raise LiveError(str(err).replace(str(folder / "uploaded"), "the upload")) from err
        self._keep(user, checkpoint)
        return checkpoint

    def save_text(self, user: str, text: str) -> Path:
        """A user's training text, kept in their folder for the run's process to read."""
        path = self.root / user / f"text-{uuid.uuid4().hex[:12]}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def forget(self, user: str) -> None:
        """A user left: stop their run and delete their models."""
        run = self.stop(user)
        with self.lock:
            self.models.pop(user, None)
            self.latest.pop(user, None)
            self.set_aside.pop(user, None)
            still_running = run is not None and run.active
            if still_running:
                run.abandoned = True
        if not still_running:
            shutil.rmtree(self.root / user, ignore_errors=True)

    def _keep(self, user: str, checkpoint: Checkpoint) -> None:
        """Keep the newest model of each architecture per user, within the memory budget for everyone's:
        past it, the least recently used users' models go (memory and disk), never those of a user whose
        run is going. A public Space must not run out of memory however many visitors come."""
        with self.lock:
            mine = [c for c in self.models.pop(user, []) if c.meta["arch"] != checkpoint.meta["arch"]]
            self.models[user] = mine + [checkpoint]
            self.set_aside.pop(user, None)
            total = sum(model_bytes(c) for kept in self.models.values() for c in kept)
            idle = [u for u in self.models if u != user and not (u in self.latest and self.latest[u].active)]
            for oldest in idle:  # least recently used first
                if total <= self.model_budget:
                    break
                total -= sum(map(model_bytes, self.models.pop(oldest)))
                self.set_aside[oldest] = None
                shutil.rmtree(self.root / oldest, ignore_errors=True)
            while len(self.set_aside) > SET_ASIDE_REMEMBERED:
                del self.set_aside[next(iter(self.set_aside))]

    def _drive(self, run: Run) -> None:
        """Wait for a free slot, then train in a child process and collect what it reports."""
        with self.lock:
            while run.state == "waiting" and (self.waiting[0] is not run or len(self.running) >= self.slots):
                self.lock.wait()
            if run.state != "waiting":
                return  # stopped while it waited
            self.waiting.remove(run)
            self.running.append(run)
            run.state = "running"
        try:
            self._train(run)
        finally:
            with self.lock:
                self.running.remove(run)
                self.lock.notify_all()
            if run.abandoned:
                shutil.rmtree(self.root / run.user, ignore_errors=True)

    def _train(self, run: Run) -> None:
        run.folder.mkdir(parents=True, exist_ok=True)
        events = self.context.Queue()
        process = self.context.Process(
            target=_train_in_child, daemon=True,
            args=(run.name, run.config, run.settings, str(run.path), events, run.stop_signal, self.threads))
        process.start()
        run.pid = process.pid
        cap = getattr(run.settings, "max_seconds", None)
        deadline = time.monotonic() + (cap or 3600) + START_GRACE
        stop_asked_at = None
        kind, payload = None, None
        while kind not in ("done", "error"):
            if run.stop_signal.is_set() and stop_asked_at is None:
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
                run.events.append(payload)
        process.join(timeout=10)
        if kind == "error":
            run.state, run.error = "failed", payload
            return
        try:
            run.checkpoint = load_checkpoint(run.path, self.device)
        except CheckpointError as err:
            run.state, run.error = "failed", str(err)
            return
        if not run.abandoned:
            self._keep(run.user, run.checkpoint)
        run.state = "stopped" if run.stop_signal.is_set() else "finished"
