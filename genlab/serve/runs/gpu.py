"""Training on a GPU lent per call (a Hugging Face ZeroGPU Space, ui/zerogpu.py): a part of a run asks
the lender once for its whole time limit and trains in the lender's worker instead of in a process of
its own; if the lender says no (NoGPU), it trains in its own process on the CPU. Either way it talks to
the server only through what it yields, a stop file and the checkpoint it writes: a lender's worker is
forked once and reused, so it never sees the server's later state, and nothing here needs it to. The
server loads the checkpoint onto the shelf itself, so every tab serves the model from there."""
from typing import Any, Callable, Iterator

import torch

from genlab.serve.runs.reports import Report, training
from genlab.serve.runs.run import Part, StopFile

GPU_GRACE = 60  # seconds a lent GPU is asked for beyond a run's time limit (data loading, final evaluation)
GPUTraining = Callable[[str, Any, Any, str, StopFile], Iterator[Report]]  # train_on_gpu, as a lender wraps it


class NoGPU(Exception):
    """The GPU lender said no before the run started (the visitor's quota, the scheduler): the message
    says why, in words fit for the visitor."""


def train_on_gpu(name: str, config: Any, settings: Any, out: str, stop: StopFile) -> Iterator[Report]:
    """The body of a part on a lent GPU, in the lender's worker process: its arguments and reports are
    pickled. The worker is forked from the server, whose torch may have started its OpenMP threads,
    so it trains with one CPU thread (the GPU does the work). There torch is the real one again, so
    its own answer picks the device."""
    torch.set_num_threads(1)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    yield from training(name, config, settings, out, stop, device)


def gpu_seconds(name: str, config: Any, settings: Any, out: str, stop: StopFile) -> int:
    """How long a part asks a GPU lender for (it is called with train_on_gpu's arguments): its time
    limit and a margin for loading the data and the final evaluation."""
    return int(settings.max_seconds) + GPU_GRACE


def relay(gpu: GPUTraining, part: Part, stop: StopFile) -> Report:
    """Relay the reports of a part on a lent GPU into part.events to the end, so the lender takes its
    GPU back at once; returns the last. The lender enforces the time it lent; Stop reaches the part
    through its stop file. Raises NoGPU when the lender will not lend."""
    ending = "error", "the GPU worker ended the run without a word"
    for kind, payload in gpu(part.name, part.config, part.settings, str(part.path), stop):
        if kind == "event":
            part.events.append(payload)
        else:
            ending = kind, payload
    return ending
