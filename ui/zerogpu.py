"""Hugging Face ZeroGPU: a GPU lent per call, out of each visitor's daily quota.

Only a training run gains from a GPU, so only it asks for one: once per run, for the run's time
limit (genlab.serve.runs.gpu.train_on_gpu, in the worker process ZeroGPU forks from the server and reuses).
Every other handler runs on the Space's CPU in the server process, where the visitors' models live
(genlab.serve.shelf): a slider costs nobody's quota, and a model trained or uploaded after a worker was
forked is served all the same. The `spaces` package is ZeroGPU's own, preinstalled there.
"""
import logging
from typing import Iterator

import gradio as gr

from genlab.core.device import on_zerogpu
from genlab.serve.runs.gpu import GPUTraining, NoGPU, gpu_seconds, train_on_gpu
from genlab.serve.runs.reports import Report

log = logging.getLogger("genlab")
UNANSWERED = "ZeroGPU could not start a GPU worker"  # a lender failure that is not addressed to the visitor


def lent_training() -> GPUTraining | None:
    """On a ZeroGPU Space, train_on_gpu as ZeroGPU lends it, raising NoGPU when it will not; elsewhere
    None (runs train in their own process on the server's device). Call it before anything touches
    CUDA (app.build_app does, first): importing `spaces` there patches torch."""
    if not on_zerogpu():
        return None
    import spaces

    spaces.disable_gradio_auto_wrap()  # a Space may ask Gradio to wrap every handler in spaces.GPU: not ours
    return refusals_as_no_gpu(spaces.GPU(train_on_gpu, duration=gpu_seconds))


def refusals_as_no_gpu(lent: GPUTraining) -> GPUTraining:
    """The lent function, with whatever ZeroGPU raises before the run's first report raised as NoGPU:
    the visitor's quota is spent, no GPU came free in time, the duration is over their limit. Nothing
    else can fail then, since train_on_gpu reports its own failures instead of raising."""
    def training(*args) -> Iterator[Report]:
        reports = lent(*args)
        try:
            first = next(reports)
        except StopIteration:
            return
        except gr.Error as refused:  # ZeroGPU's words for the visitor
            raise NoGPU(str(refused)) from None
        except Exception:  # the scheduler's own fault: logged, the visitor reads a plain sentence
            log.exception("ZeroGPU did not lend a GPU")
            raise NoGPU(UNANSWERED) from None
        yield first
        yield from reports
    return training
