"""A stand-in for Hugging Face's `spaces` package as it behaves on a ZeroGPU Space, for tests on a
machine without one. What it does is read from the package's source (spaces 0.51: zero/decorator.py,
zero/wrappers.py, zero/client.py, zero/torch/patching.py, gradio.py):

- Installed, it patches torch in the server process as `import spaces` does there:
  torch.cuda.is_available() answers True and starting CUDA raises. It refuses to install once this
  process has started CUDA, as `import spaces` does.
- spaces.GPU(fn, duration=...) returns a function that, on each call, asks the scheduler for a GPU
  for `duration` seconds (a number, or a function of the call's arguments) on behalf of the Gradio
  request it runs in; the scheduler may refuse with the gr.Error the real client raises. Then fn runs
  in a worker process forked from the server, kept and reused for the next call while it lives; its
  arguments and results are pickled; a generator's items stream back one by one; torch is the real
  one again in the worker. A failure in the worker reaches the caller as a gr.Error, its class name
  only, unless it was a gr.Error.
- With auto-wrap on (a Space's SPACES_GRADIO_AUTO_WRAP), gradio_auto_wrap(fn) is spaces.GPU(fn), as
  Gradio calls it on every handler it registers; disable_gradio_auto_wrap() turns it off.

The ZeroGPU object is the Space's side of it: what the scheduler was asked, and the quota it grants.
"""
import functools
import inspect
import multiprocessing as mp
import os
import threading
import types
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

import gradio as gr
import torch
from gradio.context import LocalContext
from spaces.zero.gradio import error  # the real package's way of raising a refusal

FORK = mp.get_context("fork")  # spaces forks its workers


@dataclass
class Asked:
    """One request to the scheduler: for how long, and for whom (the Gradio session, None outside one)."""

    seconds: float
    session: str | None


class Worker:
    """A process forked from the server that runs one function call after another, as spaces' Worker."""

    def __init__(self, task: Callable, real_cuda: dict[str, Any]) -> None:
        self.calls, self.results = FORK.SimpleQueue(), FORK.SimpleQueue()
        self.process = FORK.Process(target=self._serve, args=(task, real_cuda), daemon=True)
        self.process.start()
        threading.Thread(target=self._report_exit, daemon=True).start()

    def _serve(self, task: Callable, real_cuda: dict[str, Any]) -> None:
        _set_cuda(real_cuda)  # spaces' worker_init: torch.unpatch(), then CUDA on the lent GPU
        while True:
            args, kwargs = self.calls.get()
            try:
                if inspect.isgeneratorfunction(task):
                    for item in task(*args, **kwargs):
                        self.results.put(("item", item))
                    self.results.put(("end", None))
                else:
                    self.results.put(("ok", task(*args, **kwargs)))
            except Exception as err:  # as spaces' exception_result: a gr.Error whole, anything else by name
                self.results.put(("error", err if isinstance(err, gr.Error) else type(err).__name__))

    def _report_exit(self) -> None:
        self.process.join()
        self.results.put(("gone", None))

    def results_until_done(self):
        """What the call sends back, raising as spaces' gradio_handler does."""
        while True:
            kind, value = self.results.get()
            if kind == "gone":
                raise error("ZeroGPU worker error", "GPU task aborted")
            if kind == "error":
                raise value if not isinstance(value, str) else error("ZeroGPU worker error", value)
            yield kind, value
            if kind in ("ok", "end"):
                return


class ZeroGPU:
    """A ZeroGPU Space around this process: the `spaces` module to install, the scheduler's record,
    and the quota it grants each call (seconds; unlimited until a test sets it)."""

    def __init__(self) -> None:
        self.asked: list[Asked] = []
        self.quota_left = float("inf")
        self.auto_wrap = False
        self.idle: dict[Callable, list[Worker]] = {}
        self.forked: list[int] = []  # the pids of every worker forked
        self.real_cuda = {name: getattr(torch.cuda, name) for name in ("is_available", "device_count")}
        self.real_cuda["_C._cuda_init"] = torch._C._cuda_init

    def install(self) -> types.ModuleType:
        """Patch torch as `import spaces` does on ZeroGPU, and return the module."""
        self.auto_wrap = os.environ.get("SPACES_GRADIO_AUTO_WRAP", "").lower() in ("1", "t", "true")
        if torch.cuda.is_initialized():
            raise RuntimeError("CUDA has been initialized before importing the `spaces` package. "
                               "Try importing `spaces` before any other CUDA-related package.")
        _set_cuda({"is_available": lambda: True, "device_count": lambda: 1, "_C._cuda_init": _cuda_init_raises})
        spaces = types.ModuleType("spaces")
        spaces.GPU = self.GPU
        spaces.gradio_auto_wrap = lambda task: self.GPU(task) if self.auto_wrap and callable(task) else task
        spaces.disable_gradio_auto_wrap = functools.partial(setattr, self, "auto_wrap", False)
        return spaces

    def uninstall(self) -> None:
        """Torch as it was, and every worker ended."""
        _set_cuda(self.real_cuda)
        for workers in self.idle.values():
            for worker in workers:
                worker.process.kill()

    def GPU(self, task: Callable | None = None, *, duration: Any = None, size: str | None = None, **kwargs) -> Any:
        """spaces.GPU, with its signature."""
        if task is None:
            return functools.partial(self.GPU, duration=duration, size=size)
        if inspect.iscoroutinefunction(task):
            raise NotImplementedError

        def borrow(args: tuple, kwargs: dict) -> Worker:
            seconds = duration(*args, **kwargs) if callable(duration) else duration
            seconds = seconds.total_seconds() if isinstance(seconds, timedelta) else (seconds or 60)
            self.schedule(seconds)
            idle = self.idle.setdefault(task, [])
            worker = idle.pop() if idle and idle[-1].process.is_alive() else Worker(task, self.real_cuda)
            if worker.process.pid not in self.forked:
                self.forked.append(worker.process.pid)
            worker.calls.put((args, kwargs))  # pickled here, as spaces' SimpleQueue does
            return worker

        if inspect.isgeneratorfunction(task):
            @functools.wraps(task)
            def lent(*args, **kwargs):
                worker = borrow(args, kwargs)
                for kind, value in worker.results_until_done():
                    if kind == "item":
                        yield value
                self.idle[task].append(worker)
        else:
            @functools.wraps(task)
            def lent(*args, **kwargs):
                worker = borrow(args, kwargs)
                (_, value), = worker.results_until_done()
                self.idle[task].append(worker)
                return value
        lent.zerogpu = None
        return lent

    def schedule(self, seconds: float) -> None:
        """spaces' client.schedule: ask for a GPU on behalf of the request this runs in; past the quota,
        the refusal its client raises."""
        request = LocalContext.request.get(None)
        self.asked.append(Asked(seconds, getattr(request, "session_hash", None)))
        if seconds > self.quota_left:
            raise error("ZeroGPU quota exceeded", f"You have exceeded your free ZeroGPU quota ({round(seconds)}s "
                                                  f"requested vs. {round(self.quota_left)}s left). Try again in 0:12:00. ")


def _cuda_init_raises() -> None:
    raise RuntimeError("Low-level CUDA init (`torch._C._cuda_init`) reached. This means ZeroGPU's PyTorch CUDA "
                       "emulation mode did not intercept a CUDA operation in your code.")


def _set_cuda(functions: dict[str, Any]) -> None:
    for name, function in functions.items():
        if name == "_C._cuda_init":
            torch._C._cuda_init = function
        else:
            setattr(torch.cuda, name, function)
