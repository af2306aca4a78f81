"""What a training run is and what a visitor sees of it: its parts (the recipes it trains, in order,
in one slot and one folder), where each part is, what it reported, and the one Stop they share.
Nothing here knows about Gradio."""
import re
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any

from genlab.core.checkpoint import Checkpoint
from genlab.train.loop import TrainEvent

FOLDERS = re.compile(r"(?<![\w.])(?:/[^/\s'\"]+)+/")  # the folders of an absolute path, up to its file name


class RunState(str, Enum):
    """Where a part of a run is; a str, so a state compares equal to its value ("waiting")."""

    WAITING = "waiting"
    RUNNING = "running"
    STOPPING = "stopping"
    FINISHED = "finished"
    STOPPED = "stopped"
    FAILED = "failed"


ACTIVE = (RunState.WAITING, RunState.RUNNING, RunState.STOPPING)


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


@dataclass(eq=False)
class Part:
    """One recipe a run trains: a plain run has one part, a comparison two of the same architecture."""

    name: str  # architecture
    config: Any
    settings: Any
    path: Path  # the checkpoint's stem: STEM.safetensors and STEM.json once the part has ended
    state: RunState = RunState.WAITING
    events: list[TrainEvent] = field(default_factory=list)
    error: str = ""  # why it failed, for the visitor: no server path in it
    notice: str = ""  # how it trains, when not as asked (no GPU was lent), for the visitor
    checkpoint: Checkpoint | None = None
    pid: int | None = None  # the training process, while there is one

    @property
    def stopped_because(self) -> str:
        """Why the training loop ended itself early (its loss became non-finite), for the visitor; ""
        when it completed, reached its time cap or was stopped."""
        return self.events[-1].stopped_because if self.events else ""


@dataclass(eq=False)
class Run:
    """A visitor's one run: its parts train one after the other in one slot and one folder, and one
    Stop ends them all (a part not started yet never starts). The last model made becomes theirs."""

    user: str
    folder: Path
    parts: list[Part]
    stop_signal: StopFile

    @property
    def active(self) -> bool:
        """Still waiting, training or ending: until its last part has ended."""
        return any(part.state in ACTIVE for part in self.parts)


def without_folders(message: str) -> str:
    """A failure message fit for a visitor: every absolute path cut to its file name, so neither the
    server's temporary folders nor its install show."""
    return FOLDERS.sub("", message)


def without_old_previews(events: list[TrainEvent]) -> list[TrainEvent]:
    """An ended part's events with only the newest picture and the newest text preview left: the curves
    stay, and an ended run holds kilobytes, not a picture per event."""
    newest = {}
    for index, event in enumerate(events):
        if event.preview is not None:
            newest[isinstance(event.preview, str)] = index
    return [e if e.preview is None or i in newest.values() else replace(e, preview=None) for i, e in enumerate(events)]
