"""What a run's training reports, wherever it trains (a child process of the server, a GPU lender's
worker): every event, then how it ended. A failure is reported, never raised, so whoever relays the
reports tells a failed run from a process or lender that failed."""
from pathlib import Path
from typing import Any, Iterator

import torch

from genlab.families.training import train_and_save
from genlab.serve.runs.run import StopFile

Report = tuple[str, Any]  # ("event", TrainEvent), then ("done", None) or ("error", why)


def training(name: str, config: Any, settings: Any, out: str, stop: StopFile, device: torch.device) -> Iterator[Report]:
    """Train, report every event, save the checkpoint at `out`."""
    try:
        for event in train_and_save(name, config, settings, device, Path(out), stop):
            yield "event", event
        yield "done", None
    except Exception as err:  # reported to the visitor; the server never sees the traceback as a crash
        yield "error", f"{type(err).__name__}: {err}"
