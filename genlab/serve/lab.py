"""The models the app serves: the pretrained checkpoints loaded at start-up, why any failed to load,
and each visitor's own ("mine"), trained in its runs or uploaded. Every tab asks here for the model a
request names."""
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from genlab.core.checkpoint import Checkpoint
from genlab.core.errors import RequestError
from genlab.families import FAMILIES
from genlab.models.loading import load_all
from genlab.serve.runs.line import Runs
from genlab.serve.shelf import Shelf

MINE = "mine"  # the model name that means "the model I trained or uploaded"


@dataclass
class Lab:
    device: torch.device
    checkpoints: dict[str, Checkpoint]
    errors: dict[str, str]  # checkpoint name -> why it did not load, naming no server path
    shelf: Shelf | None = None  # visitors' own models; None: no "mine"
    runs: Runs | None = None  # visitors' training runs, whose models go onto the shelf; None: no training

    @classmethod
    def load(cls, folder: Path, device: torch.device, runs: Runs | None = None) -> "Lab":
        """The checkpoints in `folder`, and with `runs` the visitors' own models (on their shelf)."""
        checkpoints, errors = load_all(folder, device)
        errors = {name: error.replace(str(folder.resolve()) + "/", "").replace(str(folder) + "/", "")
                  for name, error in errors.items()}
        return cls(device, checkpoints, errors, runs.shelf if runs is not None else None, runs)

    def checkpoint(self, name: str, family: str, user: str) -> Checkpoint:
        """The named checkpoint of a family ('mine': the visitor's own), or a RequestError saying why not."""
        title = FAMILIES[family].title
        if name == MINE:
            mine = self.shelf.model(user, family) if self.shelf is not None else None
            if mine is None and self.shelf is not None and self.shelf.was_set_aside(user):
                raise RequestError("Your models were removed to make room for other visitors' (the app keeps the "
                                   "most recently used ones within its memory budget): train again, or upload the "
                                   "checkpoint you downloaded.")
            if mine is None:
                raise RequestError(f"You have no {title} of your own yet: train one in the Train tab, or upload "
                                   "a checkpoint there.")
            return mine
        if name in self.checkpoints:
            checkpoint = self.checkpoints[name]
        elif name in self.errors:
            raise RequestError(f"The model '{name}' could not be loaded: {self.errors[name]}")
        else:
            raise RequestError(f"There is no model named {name!r}; choose one of {sorted(self.checkpoints)} or "
                               f"'{MINE}'.")
        if checkpoint.meta["family"] != family:
            raise RequestError(f"'{name}' is not a {title}.")
        return checkpoint

    def upload(self, user: str, files: dict[str, bytes]) -> Checkpoint:
        """A checkpoint the visitor uploads (file name -> content), validated and kept as their own."""
        if self.shelf is None:
            raise RequestError("This server keeps no models of visitors' own.")
        return self.shelf.add_upload(user, files)

    def names(self, family: str) -> list[str]:
        """Pretrained checkpoints of a family, including those that failed to load (so they can say why)."""
        loaded = [n for n, c in self.checkpoints.items() if c.meta["family"] == family]
        return loaded + [n for n in self.errors if n not in loaded]

    def judge(self, name: str) -> nn.Module | None:
        """A pretrained model that measures others (the CNN reads digits, the LSTM reads lines), if loaded."""
        return self.checkpoints[name].model if name in self.checkpoints else None
