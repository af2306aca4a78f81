"""genlab as a Hugging Face ZeroGPU Space serves it, where a GPU is lent per call out of each visitor's
daily quota: visitors explore, classify and sample on the Space's CPU without asking for a GPU; a
Train run asks once, for its time limit, streams, stops on Stop, and trains on the CPU when the
visitor's quota is spent; a model trained after the GPU worker was forked serves the next call.
ZeroGPU itself cannot run here: tests/app/zerogpu_stand_in.py reproduces what its package does there,
and the real package, installed, is checked for what it does off ZeroGPU."""
import inspect
import sys

import gradio.block_function
import gradio.http_server  # noqa: F401 (it takes Gradio's own get_space before the fixture patches it)

from genlab.serve.runs.gpu import gpu_seconds, train_on_gpu
from tests.app.zerogpu_stand_in import ZeroGPU
from ui.zerogpu import lent_training


def test_off_zerogpu_the_real_spaces_package_changes_nothing(monkeypatch):
    """`spaces` as installed from the package index: off ZeroGPU its GPU decorator hands the function
    back, and the app asks it for nothing; the stand-in takes the same arguments."""
    monkeypatch.delenv("SPACES_ZERO_GPU", raising=False)
    monkeypatch.delitem(sys.modules, "spaces", raising=False)  # the stand-in, if a story installed it
    import spaces

    assert spaces.GPU(train_on_gpu, duration=gpu_seconds) is train_on_gpu
    assert lent_training() is None, "runs train in their own process, on the machine's device"
    assert inspect.signature(ZeroGPU().GPU).parameters.keys() == inspect.signature(spaces.GPU).parameters.keys()


