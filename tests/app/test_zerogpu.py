"""genlab as a Hugging Face ZeroGPU Space serves it, where a GPU is lent per call out of each visitor's
daily quota: visitors explore, classify and sample on the Space's CPU without asking for a GPU; a
Train run asks once, for its time limit, streams, stops on Stop, and trains on the CPU when the
visitor's quota is spent; a model trained after the GPU worker was forked serves the next call.
ZeroGPU itself cannot run here: tests/app/zerogpu_stand_in.py reproduces what its package does there,
and the real package, installed, is checked for what it does off ZeroGPU."""
import os
import sys
import time

import gradio.block_function
import gradio.http_server  # noqa: F401 (it takes Gradio's own get_space before the fixture patches it)
import gradio.utils
import pytest
import torch
from gradio_client import Client, handle_file

import app
from genlab.core.device import pick_device
from genlab.serve.runs.gpu import GPU_GRACE
from tests.app.test_live import finish, progress_of, train
from tests.app.zerogpu_stand_in import Asked, ZeroGPU
from tests.helpers import CHECKPOINTS

A_SPACE = {"SPACE_ID": "you/genlab", "SPACES_ZERO_GPU": "true", "SPACES_GRADIO_AUTO_WRAP": "true"}


@pytest.fixture(scope="module")
def space(fairness):
    """The app launched as on a ZeroGPU Space (the stand-in installed as `spaces`, for Gradio too, with
    auto-wrap asked for) and its address."""
    zerogpu = ZeroGPU()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in A_SPACE.items():
            patch.setenv(name, value)
        spaces = zerogpu.install()
        patch.setitem(sys.modules, "spaces", spaces)
        patch.setattr(gradio.block_function, "spaces", spaces)  # on a Space, Gradio offers it every handler
        patch.setattr(gradio.utils, "get_space", lambda: A_SPACE["SPACE_ID"])  # its dev-mode reloader left out
        try:
            demo = app.build_app()
            _, url, _ = app.launch(demo, fairness, prevent_thread_lock=True, server_name="127.0.0.1",
                                   server_port=None, quiet=True)
            yield zerogpu, url
            demo.close()
        finally:
            zerogpu.uninstall()


def test_exploring_classifying_and_sampling_run_on_the_cpu_and_ask_for_no_gpu(space, digit_png):
    zerogpu, url = space
    assert torch.cuda.is_available(), "ZeroGPU says CUDA is there..."
    assert pick_device() == torch.device("cpu"), "...but the server has none: its models run on the CPU"
    visitor = Client(url, verbose=False)
    label, *_ = visitor.predict(handle_file(digit_png), "cnn", api_name="/classify")
    decoded, _ = visitor.predict("vae", *[0.5] * 16, api_name="/decode")
    grid, _ = visitor.predict("dcgan", 0, 8, 1.0, "any", api_name="/sample")
    written = visitor.predict("To be", "lstm", 0.8, 0, 1.0, 40, 0, False, api_name="/generate")[0]
    assert label["label"] == "7" and os.path.getsize(decoded) and os.path.getsize(grid) and len(written) > 5
    assert zerogpu.asked == [], "no call asked ZeroGPU for a GPU"


def test_a_train_run_asks_once_streams_and_its_model_serves_the_next_call(space, digit_png):
    zerogpu, url = space
    visitor = Client(url, verbose=False)
    before = len(zerogpu.asked)
    updates = finish(train(visitor, "cnn", epochs=0.2, max_seconds=60))

    assert zerogpu.asked[before:] == [Asked(60 + GPU_GRACE, zerogpu.asked[-1].session)], \
        "one request, for the run's time limit and a margin"
    assert zerogpu.asked[-1].session is not None, "on behalf of the visitor, whose quota it is"
    assert zerogpu.forked and os.getpid() not in zerogpu.forked, "the run trained in a forked worker"
    steps = [progress_of(u) for u in updates if "Step" in progress_of(u)]
    assert len(steps) >= 3, "progress streams from the worker"
    assert "Finished" in progress_of(updates[-1]) and "No GPU" not in progress_of(updates[-1])
    label = visitor.predict(handle_file(digit_png), "mine", api_name="/classify")[0]
    assert label["label"] == "7", "the model trained in the worker is mine in the server, at once"
    assert len(zerogpu.asked) == before + 1, "...and using it asked for no GPU"


def test_a_model_trained_after_the_worker_was_forked_serves_the_next_call(space):
    """The worker is forked once and reused: it never sees the server's later models, and never has to."""
    zerogpu, url = space
    first, second = Client(url, verbose=False), Client(url, verbose=False)
    finish(train(first, "vae", epochs=0.05, max_seconds=30))
    forked = list(zerogpu.forked)
    updates = finish(train(second, "vae", epochs=0.1, max_seconds=30))
    assert zerogpu.forked == forked, "the second run reused the worker forked before the first run's model"
    assert "Finished" in progress_of(updates[-1])
    mine, _ = second.predict("mine", *[0.5] * 16, api_name="/decode")
    theirs, _ = first.predict("mine", *[0.5] * 16, api_name="/decode")
    assert open(mine, "rb").read() != open(theirs, "rb").read(), "each decodes with their own new VAE"


def test_an_uploaded_model_serves_every_call_without_a_gpu(space, digit_png):
    zerogpu, url = space
    visitor = Client(url, verbose=False)
    asked = len(zerogpu.asked)
    pair = [handle_file(str(CHECKPOINTS / f"mlp.{suffix}")) for suffix in ("safetensors", "json")]
    assert "Loaded your" in visitor.predict(pair, api_name="/upload_checkpoint")
    assert visitor.predict(handle_file(digit_png), "mine", api_name="/classify")[0]["label"] == "7"
    assert len(zerogpu.asked) == asked


def test_stop_stops_a_run_on_the_gpu_within_a_step_and_keeps_what_it_learned(space):
    zerogpu, url = space
    visitor = Client(url, verbose=False)
    job = train(visitor, "vae", epochs=20, max_seconds=300)
    while not any("Step" in progress_of(u) for u in job.outputs()):
        assert not job.done(), progress_of(job.outputs()[-1])
        time.sleep(0.2)
    assert visitor.predict(api_name="/stop_training") == "Stopping…"
    updates = finish(job, timeout=60)
    assert "Stopped at step" in progress_of(updates[-1]), "the run in the worker saw Stop"
    assert zerogpu.asked[-1].seconds == 300 + GPU_GRACE
    assert visitor.predict("mine", *[0.5] * 16, api_name="/decode")[0], "what it learned is mine"


def test_a_visitor_out_of_quota_trains_on_the_cpu_and_is_told_why(space, digit_png):
    zerogpu, url = space
    visitor = Client(url, verbose=False)
    zerogpu.quota_left = 30
    forked = list(zerogpu.forked)
    try:
        updates = finish(train(visitor, "mlp", epochs=0.1, max_seconds=60))
    finally:
        zerogpu.quota_left = float("inf")
    assert zerogpu.asked[-1].seconds == 60 + GPU_GRACE, "it asked, and was refused"
    said = progress_of(updates[-1])
    assert "No GPU was lent for this run, so it trains on the CPU" in said
    assert "exceeded your free ZeroGPU quota" in said, "in ZeroGPU's words"
    assert "Finished" in said and zerogpu.forked == forked, "trained on the CPU, not in a worker"
    assert visitor.predict(handle_file(digit_png), "mine", api_name="/classify")[0]["label"] == "7"
