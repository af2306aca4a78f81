"""Training runs started from the browser: one process per run, a line for the runs that wait, and
one run per visitor at a time. A finished run's model goes onto the visitor's shelf (genlab.serve.shelf).

A run lives in its own process, forked from a server process that has already imported torch, so it
starts in a fraction of a second. It uses its own threads without stalling the server's inference,
it can be killed without harming anything else, and what it hands back is a checkpoint on disk that
the server validates like any other. Visitors are identified by an opaque string (the UI passes its
session id); nothing here knows about Gradio.

Where a GPU is lent per call (a Hugging Face ZeroGPU Space, ui/zerogpu.py), a run asks the lender
once for its whole time limit and trains in the lender's worker instead (train_on_gpu); if the
lender says no, the run trains in its own process on the CPU as above. Either way the run talks to
the server only through what it yields, a stop file and the checkpoint it writes: a lender's worker
is forked once and reused, so it never sees the server's later state, and nothing here needs it to.
The server loads the checkpoint onto the shelf itself, so every tab serves the model from there.
"""
import contextvars
import multiprocessing as mp
import os
import queue
import re
import shutil
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Iterator

import torch

from genlab.core.checkpoint import Checkpoint, CheckpointError
from genlab.core.device import pick_device
from genlab.families.training import train_and_save
from genlab.models.loading import load_checkpoint
from genlab.serve.shelf import LiveError, Shelf
from genlab.train.loop import TrainEvent

STOP_GRACE = 60.0  # seconds a run may take after Stop (its final evaluation) before it is killed
START_GRACE = 120.0  # seconds beyond its time cap a run may take (data loading, final evaluation)
TRAIN_NICENESS = 10  # training yields the CPU to the server's sliders and samples whenever they need it
RUNS_REMEMBERED = 1000  # visitors whose last ended run (its curves, for the Train tab) is kept in memory
GPU_GRACE = 60  # seconds a lent GPU is asked for beyond a run's time limit (data loading, final evaluation)
TEXT = "text.txt"  # a visitor's own training text, in the run's folder while the run needs it
STOP = "stop"  # written into the run's folder by Stop; the training loop looks for it every step
FOLDERS = re.compile(r"(?<![\w.])(?:/[^/\s'\"]+)+/")  # the folders of an absolute path, up to its file name


class RunState(str, Enum):
    """Where a run is; a str, so a state compares equal to its value ("waiting")."""

    WAITING = "waiting"
    RUNNING = "running"
    STOPPING = "stopping"
    FINISHED = "finished"
    STOPPED = "stopped"
    FAILED = "failed"


ACTIVE = (RunState.WAITING, RunState.RUNNING, RunState.STOPPING)


def without_folders(message: str) -> str:
    """A failure message fit for a visitor: every absolute path cut to its file name, so neither the
    server's temporary folders nor its install show."""
    return FOLDERS.sub("", message)


def without_old_previews(events: list[TrainEvent]) -> list[TrainEvent]:
    """An ended run's events with only the newest picture and the newest text preview left: the curves
    stay, and an ended run holds kilobytes, not a picture per event."""
    newest = {}
    for index, event in enumerate(events):
        if event.preview is not None:
            newest[isinstance(event.preview, str)] = index
    return [e if e.preview is None or i in newest.values() else replace(e, preview=None) for i, e in enumerate(events)]


def default_threads() -> int:
    """Threads for a training process: every core, since it runs at a lower priority than the server."""
    wanted = os.environ.get("GENLAB_TRAIN_THREADS")
    return max(1, int(wanted)) if wanted else (os.cpu_count() or 1)


class NoGPU(Exception):
    """The GPU lender said no before the run started (the visitor's quota, the scheduler): the message
    says why, in words fit for the visitor."""


class StopFile:
    """A run's Stop signal as a file in its folder: seen by any process the run trains in, a child of
    the server or a GPU lender's worker that got it pickled, which an Event is not."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def set(self) -> None:
        try:
            self.path.touch()
        except FileNotFoundError:  # the run has ended and its folder is gone: nothing left to stop
            pass

    def is_set(self) -> bool:
        return self.path.exists()


Report = tuple[str, Any]  # ("event", TrainEvent), then ("done", None) or ("error", why)
GPUTraining = Callable[[str, Any, Any, str, StopFile], Iterator[Report]]  # train_on_gpu, as a lender wraps it


def _context() -> Any:
    """Fork from a server that preloaded torch and genlab (fast, and safe with CUDA); spawn elsewhere."""
    if "forkserver" in mp.get_all_start_methods():
        context = mp.get_context("forkserver")
        context.set_forkserver_preload(["genlab.serve.live", "genlab.serve.preload"])
        return context
    return mp.get_context("spawn")


def _training(name: str, config: Any, settings: Any, out: str, stop: StopFile, device: torch.device) -> Iterator[Report]:
    """Train, report every event, save the checkpoint; a failure is reported, never raised, so whoever
    relays the reports tells a failed run from a process or lender that failed."""
    try:
        for event in train_and_save(name, config, settings, device, Path(out), stop):
            yield "event", event
        yield "done", None
    except Exception as err:  # reported to the visitor; the server never sees the traceback as a crash
        yield "error", f"{type(err).__name__}: {err}"


def _train_in_child(name: str, config: Any, settings: Any, out: str, events: Any, stop: StopFile, threads: int) -> None:
    """The body of a run's process: train on the server's device, sending every report back."""
    if hasattr(os, "nice"):
        os.nice(TRAIN_NICENESS)
    torch.set_num_threads(threads)
    for report in _training(name, config, settings, out, stop, pick_device()):
        events.put(report)


def train_on_gpu(name: str, config: Any, settings: Any, out: str, stop: StopFile) -> Iterator[Report]:
    """The body of a run on a lent GPU, in the lender's worker process: its arguments and reports are
    pickled. The worker is forked from the server, whose torch may have started its OpenMP threads,
    so it trains with one CPU thread (the GPU does the work). There torch is the real one again, so
    its own answer picks the device."""
    torch.set_num_threads(1)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    yield from _training(name, config, settings, out, stop, device)


def gpu_seconds(name: str, config: Any, settings: Any, out: str, stop: StopFile) -> int:
    """How long a run asks a GPU lender for (it is called with train_on_gpu's arguments): its time
    limit and a margin for loading the data and the final evaluation."""
    return int(settings.max_seconds) + GPU_GRACE


def _noop() -> None:
    """Started once at start-up so the fork server has imported torch before the first Train click."""


@dataclass
class Run:
    """One training run; in a comparison, the first recipe's run, whose `rival` (the second recipe, the
    same architecture) trains right after it in the same slot and folder, sharing its Stop."""

    user: str
    name: str  # architecture
    config: Any
    settings: Any
    folder: Path
    stop_signal: Any
    stem: str = ""  # the checkpoint's file name without suffix; "": the architecture's name
    rival: "Run | None" = None
    state: RunState = RunState.WAITING
    events: list[TrainEvent] = field(default_factory=list)
    error: str = ""  # why it failed, for the visitor: no server path in it
    notice: str = ""  # how it trains, when not as asked (no GPU was lent), for the visitor
    checkpoint: Checkpoint | None = None
    pid: int | None = None  # the training process, while there is one

    @property
    def active(self) -> bool:
        """Still waiting, training or ending; a comparison is active until its second run has ended."""
        return self.state in ACTIVE or (self.rival is not None and self.rival.active)

    @property
    def parts(self) -> list["Run"]:
        """The runs trained in this run's slot, in order: itself, then its rival if it has one."""
        return [self] if self.rival is None else [self, self.rival]

    @property
    def path(self) -> Path:
        """The checkpoint's stem: STEM.safetensors and STEM.json once the run has ended."""
        return self.folder / (self.stem or self.name)

    @property
    def stopped_because(self) -> str:
        """Why the training loop ended itself early (its loss became non-finite), for the visitor; ""
        when it completed, reached its time cap or was stopped."""
        return self.events[-1].stopped_because if self.events else ""


class Runs:
    """Every visitor's training runs, with a global limit on concurrent runs: the waiting line, the
    slots, one supervised process per run, Stop and time limits. A visitor is held on the shelf from
    the moment their run joins the line until it has ended, and the run's model goes to the shelf.
    `gpu`: train_on_gpu as a GPU lender wraps it (raising NoGPU when it will not lend), or None."""

    def __init__(self, shelf: Shelf, slots: int = 1, threads: int | None = None, max_waiting: int = 32,
                 gpu: GPUTraining | None = None) -> None:
        self.shelf, self.gpu = shelf, gpu
        self.slots, self.threads, self.max_waiting = slots, threads or default_threads(), max_waiting
        self.context = _context()
        self.lock = threading.Condition()
        self.waiting: list[Run] = []
        self.running: list[Run] = []
        self.latest: dict[str, Run] = {}

    def warm_up(self) -> None:
        """Start the fork server now, in the background, instead of on the first click."""
        threading.Thread(target=lambda: self.context.Process(target=_noop).start(), daemon=True).start()

    def start(self, user: str, name: str, config: Any, settings: Any, text: str | None = None,
              rival: tuple[Any, Any] | None = None) -> Run:
        """Queue a run for this visitor; refused while they already have one going or the line is full.
        `text`: the visitor's own text for a text family to learn from, kept in the run's folder until
        the run has ended. `rival`: a second recipe (config, settings) of the same architecture, to
        compare: it trains after the first in the same slot, and the two count as the visitor's one
        run. The run is driven in the caller's context (contextvars), so a GPU lender sees who asked
        for it: ZeroGPU charges the visitor's quota, not the Space's."""
        with self.lock:
            current = self.latest.get(user)
            if current is not None and current.active:
                raise LiveError("You already have a training run going: stop it or let it finish first.")
            if len(self.waiting) >= self.max_waiting:
                raise LiveError(f"{len(self.waiting)} runs are already waiting; please try again in a few minutes.")
            folder = self.shelf.folder(user) / uuid.uuid4().hex[:12]
            folder.mkdir(parents=True)
            if text is not None:
                (folder / TEXT).write_text(text, encoding="utf-8")
                settings = replace(settings, text_file=str(folder / TEXT))
            run = Run(user, name, config, settings, folder, StopFile(folder / STOP))
            if rival is not None:
                run.stem = f"{name}-a"
                run.rival = Run(user, name, *rival, folder, run.stop_signal, stem=f"{name}-b")
            self.shelf.hold(user)
            self.waiting.append(run)
            self.latest.pop(user, None)
            self.latest[user] = run  # the most recent last
            ended = [u for u, r in self.latest.items() if not r.active]
            for gone in ended[:max(0, len(self.latest) - RUNS_REMEMBERED)]:
                del self.latest[gone]
        threading.Thread(target=contextvars.copy_context().run, args=(self._drive, run), daemon=True).start()
        return run

    def position(self, run: Run) -> int:
        """1 for the first run in line, 2 for the next...; 0 once it runs."""
        with self.lock:
            return self.waiting.index(run) + 1 if run in self.waiting else 0

    def stop(self, user: str) -> Run | None:
        """Stop the visitor's run: a waiting one leaves the line, a running one ends after its current step."""
        with self.lock:
            run = self.latest.get(user)
            if run is None or not run.active:
                return run
            if run.state == RunState.WAITING:
                self.waiting.remove(run)
                for part in run.parts:
                    part.state = RunState.STOPPED
                self.lock.notify_all()
            else:
                for part in run.parts:
                    if part.state == RunState.RUNNING:
                        part.state = RunState.STOPPING
                    elif part.state == RunState.WAITING:  # a rival not started yet never will be
                        part.state = RunState.STOPPED
                run.stop_signal.set()
            return run

    def forget(self, user: str) -> None:
        """A visitor left: stop their run, and drop their models and files from the shelf (the files of a
        run still ending go when it has ended, and its model is never kept)."""
        self.stop(user)
        with self.lock:
            self.latest.pop(user, None)
        self.shelf.forget(user)

    def _drive(self, run: Run) -> None:
        """Wait for a free slot, train each part (the run, then its rival), hand the last model made to
        the shelf, then end the run: in that order, so a run shown as ended has its model on the shelf
        already."""
        if not self._wait_for_slot(run):  # stopped while it waited
            shutil.rmtree(run.folder, ignore_errors=True)
            self.shelf.release(run.user)
            return
        ended: list[tuple[Run, RunState, str]] = []
        for part in run.parts:
            with self.lock:
                if part.state == RunState.STOPPED:  # the rival, after Stop during the first run
                    continue
                if part.state == RunState.WAITING:  # the rival (the first part is running already)
                    part.state = RunState.RUNNING
            try:
                state, error = self._train(part)
            except Exception as err:  # the supervisor's own fault still ends the run and frees its slot
                state, error = RunState.FAILED, f"{type(err).__name__}: {err}"
            with self.lock:
                part.events = without_old_previews(part.events)
                if part.rival is not None and part.rival.state == RunState.WAITING:  # shown ended while its rival trains
                    part.state, part.error = state, without_folders(error)
                else:
                    ended.append((part, state, without_folders(error)))
        made = [part.checkpoint for part in run.parts if part.checkpoint is not None]
        if not made:  # nothing to keep or download: the folder goes now, not with the visitor
            shutil.rmtree(run.folder, ignore_errors=True)
        for done_with in (TEXT, STOP):  # read by now
            (run.folder / done_with).unlink(missing_ok=True)
        self.shelf.release(run.user, made[-1] if made else None)
        with self.lock:
            for part, state, error in ended:
                part.state, part.error = state, error
            self.running.remove(run)
            self.lock.notify_all()

    def _wait_for_slot(self, run: Run) -> bool:
        """Block until the run is first in line and a slot is free; False if it was stopped meanwhile."""
        with self.lock:
            while run.state == RunState.WAITING and (self.waiting[0] is not run or len(self.running) >= self.slots):
                self.lock.wait()
            if run.state != RunState.WAITING:
                return False
            self.waiting.remove(run)
            self.running.append(run)
            run.state = RunState.RUNNING
            return True

    def _train(self, run: Run) -> tuple[RunState, str]:
        """Train on a lent GPU, or where none is lent in a child process, collecting what the run
        reports; then load the checkpoint it saved into run.checkpoint. Returns the state the run ends
        in and, if it failed, why."""
        ending = None
        if self.gpu is not None:
            try:
                ending = self._train_on_gpu(run)
            except NoGPU as refused:
                run.notice = f"No GPU was lent for this run, so it trains on the CPU, more slowly. Why: {refused}"
        kind, payload = ending or self._train_in_process(run)
        if kind == "error":
            return RunState.FAILED, payload
        try:
            run.checkpoint = load_checkpoint(run.path, self.shelf.device)
        except CheckpointError as err:
            return RunState.FAILED, str(err)
        ended_early = run.stop_signal.is_set() or run.stopped_because
        return (RunState.STOPPED if ended_early else RunState.FINISHED), ""

    def _train_on_gpu(self, run: Run) -> Report:
        """Relay the reports of a run on a lent GPU to the end, so the lender takes its GPU back at
        once; returns the last. The lender enforces the time it lent; Stop reaches the run through its
        stop file."""
        ending = "error", "the GPU worker ended the run without a word"
        for kind, payload in self.gpu(run.name, run.config, run.settings, str(run.path), run.stop_signal):
            if kind == "event":
                run.events.append(payload)
            else:
                ending = kind, payload
        return ending

    def _train_in_process(self, run: Run) -> Report:
        """Train in a child process, collecting what it reports, and killing it past its time limit or
        when it does not stop soon after Stop."""
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
        return kind, payload
