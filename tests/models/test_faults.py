"""A training process that dies midway harms nobody: the other visitors' models, the committed checkpoints
and the trainer all carry on."""
import hashlib
import os
import signal
import time

from genlab.families import ARCHITECTURES, family_of
from genlab.serve.runs.line import Runs
from genlab.serve.runs.run import RunState
from genlab.serve.shelf import Shelf
from tests.helpers import CHECKPOINTS


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def live_run(name: str, **changes) -> tuple:
    """(config, settings) of a Train-tab run of this architecture: its recipe's defaults, some changed."""
    architecture = ARCHITECTURES[name]
    return family_of(name).build(architecture, {**architecture.recipe.defaults(), **changes})


def test_a_training_process_killed_midway_harms_nobody(tmp_path):
    pretrained = {p.name: digest(p) for p in CHECKPOINTS.glob("*.safetensors")}
    shelf = Shelf(root=tmp_path)
    runs = Runs(shelf)
    quick = live_run("mlp", epochs=0.05)
    first = runs.start("alice", "mlp", [quick])
    other = runs.start("bob", "mlp", [quick])
    for run in (first, other):
        while run.active:
            time.sleep(0.1)
    [first], [other] = first.parts, other.parts
    assert first.state == other.state == RunState.FINISHED

    long_run = runs.start("alice", "cnn", [live_run("cnn", epochs=5)])
    [training] = long_run.parts
    while not training.events:
        assert long_run.active, training.error
        time.sleep(0.1)
    os.kill(training.pid, signal.SIGKILL)
    while long_run.active:
        time.sleep(0.1)
    assert training.state == RunState.FAILED and "ended unexpectedly" in training.error

    assert shelf.model("alice", "classifier") is first.checkpoint, "alice keeps the model she had"
    assert shelf.model("bob", "classifier") is other.checkpoint, "bob's model is untouched"
    assert {p.name: digest(p) for p in CHECKPOINTS.glob("*.safetensors")} == pretrained
    again = runs.start("alice", "mlp", [quick])
    while again.active:
        time.sleep(0.1)
    assert again.parts[0].state == RunState.FINISHED, "the trainer keeps serving after a crash"
