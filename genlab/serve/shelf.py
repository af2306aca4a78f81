"""Each visitor's own models, trained live or uploaded, and the files behind them, within one memory
budget for everyone's.

A public Space must not run out of memory however many visitors come: past the budget, the models of
whoever used theirs least recently go (memory and files), and that visitor is told why. A visitor
is held while something writes to their folder (a training run, an upload being read): their models
are never set aside then, and if they leave, their files go when the hold is released, not under the
writer's feet. Visitors are identified by an opaque string (the UI passes its session id).
"""
import ctypes
import shutil
import tempfile
import threading
import uuid
from collections import Counter
from functools import cache
from pathlib import Path

import torch

from genlab.core.checkpoint import Checkpoint, CheckpointError, checkpoint_paths
from genlab.core.device import pick_device
from genlab.core.errors import RequestError
from genlab.families.footprint import too_big
from genlab.models.loading import load_checkpoint

MODEL_BUDGET = 2**30  # bytes of visitors' models kept in memory; the least recently used visitor's go first
SET_ASIDE_REMEMBERED = 10_000  # visitors told why their models went; older ones hear "no model yet"
MALLOC_ARENAS = 2  # heaps glibc may keep for the server's threads (8 a core by default)
M_ARENA_MAX = -8  # glibc's mallopt parameter number for that limit (malloc.h)


class LiveError(RequestError):
    """A request the live lab refuses (a training run, an upload); the message is for the visitor."""


@cache
def c_library() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (macOS, Windows): nothing to give back this way
        return None


def give_back_memory() -> None:
    """Return the heap memory freed so far to the system. glibc keeps freed blocks for reuse, so
    without this a long-running server's resident size only ever grows as visitors come and go."""
    library = c_library()
    if library is not None and hasattr(library, "malloc_trim"):
        library.malloc_trim(0)


def keep_few_heaps(arenas: int = MALLOC_ARENAS) -> None:
    """Limit glibc to `arenas` heaps for all threads. A server answers on many threads, and glibc gives
    each thread that meets a busy heap a heap of its own, whose freed memory no other thread reuses: a
    stranger's stream of odd requests grew the resident size by arenas of a few MB each. Call it before
    the server starts its threads (those already holding a heap keep it)."""
    library = c_library()
    if library is not None and hasattr(library, "mallopt"):
        library.mallopt(M_ARENA_MAX, arenas)


def model_bytes(checkpoint: Checkpoint) -> int:
    """Memory a loaded model takes: its parameters and buffers."""
    return sum(t.numel() * t.element_size() for t in checkpoint.model.state_dict().values())


class Shelf:
    """Every visitor's models and files. One lock guards it all, so a visitor who leaves while their
    run ends either gets the run's model deleted with their files or never gets it kept."""

    def __init__(self, root: Path | None = None, device: torch.device | None = None,
                 budget: int = MODEL_BUDGET) -> None:
        self.root = Path(root) if root is not None else Path(tempfile.mkdtemp(prefix="genlab-runs-"))
        self.device = device or pick_device()
        self.budget = budget
        self.lock = threading.Lock()
        self.models: dict[str, list[Checkpoint]] = {}  # per visitor, oldest first; visitors least recently used first
        self.set_aside: dict[str, None] = {}  # visitors whose models made room for others', oldest first
        self.holds: Counter[str] = Counter()  # visitors with something writing to their folder
        self.leaving: set[str] = set()  # held visitors who left: their files go when the last hold is released

    def folder(self, user: str) -> Path:
        """Where a visitor's files live: run folders (with their training texts) and uploads."""
        return self.root / user

    def model(self, user: str, family: str) -> Checkpoint | None:
        """The visitor's most recent model of a family (trained or uploaded), or None."""
        with self.lock:
            if user in self.models:
                self.models[user] = self.models.pop(user)  # the most recently used now
            mine = [c for c in self.models.get(user, []) if c.meta["family"] == family]
        return mine[-1] if mine else None

    def was_set_aside(self, user: str) -> bool:
        """Whether this visitor's models were removed to keep the memory they take within the budget."""
        with self.lock:
            return user in self.set_aside

    def add_upload(self, user: str, files: dict[str, bytes]) -> Checkpoint:
        """A checkpoint a visitor uploads (its .safetensors and .json), validated like every other one.
        LiveError says what is wrong with it, naming no server folder."""
        weights = [n for n in files if n.endswith(".safetensors")]
        metas = [n for n in files if n.endswith(".json")]
        if len(weights) != 1 or len(metas) != 1:
            raise LiveError("Upload two files together: the model's .safetensors and its .json.")
        self.hold(user)
        checkpoint = None
        try:
            stem = self.folder(user) / ("upload-" + uuid.uuid4().hex[:12]) / "uploaded"
            stem.parent.mkdir(parents=True)
            weights_path, meta_path = checkpoint_paths(stem)
            weights_path.write_bytes(files[weights[0]])
            meta_path.write_bytes(files[metas[0]])
            try:
                checkpoint = load_checkpoint(stem, self.device, refuse=too_big)
            except CheckpointError as err:
                shutil.rmtree(stem.parent, ignore_errors=True)
                raise LiveError(str(err).replace(str(stem), "the upload")) from err
        finally:
            self.release(user, checkpoint)
        return checkpoint

    def hold(self, user: str) -> None:
        """Something starts writing to the visitor's folder (a run, an upload): keep it until release."""
        with self.lock:
            self.holds[user] += 1
            self.leaving.discard(user)  # the same visitor is back

    def release(self, user: str, checkpoint: Checkpoint | None = None) -> None:
        """What held the visitor is done: keep the model it made, unless the visitor left meanwhile;
        then the model is dropped and, once nothing else holds them, their files go."""
        with self.lock:
            self.holds[user] -= 1
            if self.holds[user] <= 0:
                del self.holds[user]
            if user not in self.leaving:
                if checkpoint is not None:
                    self._keep(user, checkpoint)
            elif user not in self.holds:
                self.leaving.discard(user)
                shutil.rmtree(self.folder(user), ignore_errors=True)

    def forget(self, user: str) -> None:
        """A visitor left: drop their models now, and their files now or when what holds them is done."""
        with self.lock:
            self.models.pop(user, None)
            self.set_aside.pop(user, None)
            if user in self.holds:
                self.leaving.add(user)
            else:
                shutil.rmtree(self.folder(user), ignore_errors=True)
        give_back_memory()

    def _keep(self, user: str, checkpoint: Checkpoint) -> None:
        """Keep the newest model of each architecture per visitor (the one it replaces goes, files too);
        past the budget, the least recently used visitors' models go (memory and disk), never those of a
        visitor who is held. Call with the lock held."""
        kept = self.models.pop(user, [])
        for replaced in [c for c in kept if c.meta["arch"] == checkpoint.meta["arch"]]:
            if replaced.path.parent != checkpoint.path.parent and replaced.path.is_relative_to(self.folder(user)):
                shutil.rmtree(replaced.path.parent, ignore_errors=True)
        self.models[user] = [c for c in kept if c.meta["arch"] != checkpoint.meta["arch"]] + [checkpoint]
        self.set_aside.pop(user, None)
        total = sum(model_bytes(c) for kept in self.models.values() for c in kept)
        idle = [u for u in self.models if u != user and u not in self.holds]
        for oldest in idle:  # least recently used first
            if total <= self.budget:
                break
            total -= sum(map(model_bytes, self.models.pop(oldest)))
            self.set_aside[oldest] = None
            shutil.rmtree(self.folder(oldest), ignore_errors=True)
        while len(self.set_aside) > SET_ASIDE_REMEMBERED:
            del self.set_aside[next(iter(self.set_aside))]
