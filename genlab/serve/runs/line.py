"""Every visitor's training runs: the line of runs that wait, a global limit on runs training at once
(the slots), one run per visitor at a time, Stop, and a visitor who leaves. A visitor is held on the
shelf from the moment their run joins the line until it has ended, and the run's model goes to the
shelf. Visitors are identified by an opaque string (the UI passes its session id); nothing here knows
about Gradio."""
import contextvars
import shutil
import threading
import uuid
from dataclasses import replace
from string import ascii_lowercase
from typing import Any, Sequence

from genlab.core.checkpoint import CheckpointError
from genlab.models.loading import load_checkpoint
from genlab.serve.runs.gpu import GPUTraining, NoGPU, relay
from genlab.serve.runs.process import Processes
from genlab.serve.runs.run import Part, Run, RunState, StopFile, without_folders, without_old_previews
from genlab.serve.shelf import LiveError, Shelf

RUNS_REMEMBERED = 1000  # visitors whose last ended run (its curves, for the Train tab) is kept in memory
TEXT = "text.txt"  # a visitor's own training text, in the run's folder while the run needs it
STOP = "stop"  # written into the run's folder by Stop; the training loop looks for it every step


class Runs:
    """The line, the slots and each visitor's latest run. `gpu`: train_on_gpu as a GPU lender wraps it
    (raising NoGPU when it will not lend), or None: parts train in processes of their own."""

    def __init__(self, shelf: Shelf, slots: int = 1, threads: int | None = None, max_waiting: int = 32,
                 gpu: GPUTraining | None = None) -> None:
        self.shelf, self.gpu = shelf, gpu
        self.slots, self.max_waiting = slots, max_waiting
        self.processes = Processes(threads)
        self.lock = threading.Condition()
        self.waiting: list[Run] = []
        self.running: list[Run] = []
        self.latest: dict[str, Run] = {}

    def warm_up(self) -> None:
        """Start the fork server now, in the background, instead of on the first click."""
        self.processes.warm_up()

    def start(self, user: str, name: str, recipes: Sequence[tuple[Any, Any]], text: str | None = None) -> Run:
        """Queue a run of architecture `name` for this visitor; refused while they already have one going
        or the line is full. `recipes`: (config, settings) of each part, trained in order in one slot:
        one for a plain run, two for a comparison, which count as the visitor's one run. `text`: the
        visitor's own text for a text family to learn from, kept in the run's folder until the run has
        ended. The run is driven in the caller's context (contextvars), so a GPU lender sees who asked
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
                recipes = [(config, replace(settings, text_file=str(folder / TEXT))) for config, settings in recipes]
            stems = [name] if len(recipes) == 1 else [f"{name}-{letter}" for letter in ascii_lowercase]
            parts = [Part(name, config, settings, folder / stem) for (config, settings), stem in zip(recipes, stems)]
            run = Run(user, folder, parts, StopFile(folder / STOP))
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
        """Stop the visitor's run: a waiting one leaves the line, a training part ends after its current
        step, and the parts after it never start."""
        with self.lock:
            run = self.latest.get(user)
            if run is None or not run.active:
                return run
            if run in self.waiting:
                self.waiting.remove(run)
                self.lock.notify_all()
            for part in run.parts:
                if part.state == RunState.RUNNING:
                    part.state = RunState.STOPPING
                elif part.state == RunState.WAITING:
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
        """Wait for a free slot, train the parts in order, hand the last model made to the shelf, then end
        the run: in that order, so a run shown as ended has its model on the shelf already."""
        if not self._wait_for_slot(run):  # stopped while it waited
            shutil.rmtree(run.folder, ignore_errors=True)
            self.shelf.release(run.user)
            return
        ended: list[tuple[Part, RunState, str]] = []  # shown ended once the model is on the shelf
        for index, part in enumerate(run.parts):
            with self.lock:
                if part.state == RunState.STOPPED:  # Stop came before this part started
                    continue
                if part.state == RunState.WAITING:
                    part.state = RunState.RUNNING
            try:
                state, error = self._train(part, run.stop_signal)
            except Exception as err:  # the supervisor's own fault still ends the run and frees its slot
                state, error = RunState.FAILED, f"{type(err).__name__}: {err}"
            with self.lock:
                part.events = without_old_previews(part.events)
                if any(later.state == RunState.WAITING for later in run.parts[index + 1:]):  # shown ended at once
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
        """Block until the run is first in line and a slot is free; False if it left the line meanwhile."""
        with self.lock:
            while run in self.waiting and (self.waiting[0] is not run or len(self.running) >= self.slots):
                self.lock.wait()
            if run not in self.waiting:
                return False
            self.waiting.remove(run)
            self.running.append(run)
            return True

    def _train(self, part: Part, stop: StopFile) -> tuple[RunState, str]:
        """Train a part on a lent GPU, or where none is lent in a child process, collecting what it
        reports; then load the checkpoint it saved into part.checkpoint. Returns the state the part ends
        in and, if it failed, why."""
        ending = None
        if self.gpu is not None:
            try:
                ending = relay(self.gpu, part, stop)
            except NoGPU as refused:
                part.notice = f"No GPU was lent for this run, so it trains on the CPU, more slowly. Why: {refused}"
        kind, payload = ending or self.processes.train(part, stop)
        if kind == "error":
            return RunState.FAILED, payload
        try:
            part.checkpoint = load_checkpoint(part.path, self.shelf.device)
        except CheckpointError as err:
            return RunState.FAILED, str(err)
        ended_early = stop.is_set() or part.stopped_because
        return (RunState.STOPPED if ended_early else RunState.FINISHED), ""
