"""Live runs through the run supervisor and the visitors' shelf, without the browser: a visitor who
leaves at the very moment their run ends leaves nothing behind; a run whose loss diverges stops there
and keeps a usable model; a run that fails says why without showing the server's folders."""
import threading
import time

import torch

from genlab.models.classifier import MLPConfig
from genlab.models.loading import load_checkpoint
from genlab.models.lstm import CharLSTMConfig
from genlab.models.vae import VAEConfig
from genlab.serve.live import Run, Runs, RunState
from genlab.serve.shelf import Shelf
from genlab.train.classifier import ClassifierTraining
from genlab.train.lstm import LSTMTraining
from genlab.train.vae import VAETraining

CPU = torch.device("cpu")
QUICK_MLP = MLPConfig(hidden=(64,)), ClassifierTraining(epochs=0.05, max_seconds=60)


def ended(run: Run) -> Run:
    """The run once it has ended (Runs enforces its time limits, so this returns)."""
    while run.active:
        time.sleep(0.1)
    return run


def test_a_visitor_who_leaves_as_their_run_hands_over_its_model_keeps_nothing(tmp_path, monkeypatch):
    """Ann closes her tab just after her run has saved its model and just before the shelf takes it:
    the model is not kept in memory, and her files go as soon as the run has ended."""
    shelf = Shelf(root=tmp_path, device=CPU)
    runs = Runs(shelf)
    handing_over, ann_has_left = threading.Event(), threading.Event()
    take_from_run = shelf.release

    def release_once_ann_has_left(user, checkpoint=None):
        handing_over.set()
        assert ann_has_left.wait(timeout=120)
        take_from_run(user, checkpoint)

    monkeypatch.setattr(shelf, "release", release_once_ann_has_left)
    run = runs.start("ann", "mlp", *QUICK_MLP)
    assert handing_over.wait(timeout=300), run.error
    assert run.checkpoint is not None, "the run trained and saved a model"
    assert (tmp_path / "ann").exists()

    runs.forget("ann")
    ann_has_left.set()
    ended(run)
    assert shelf.model("ann", "classifier") is None and "ann" not in shelf.models, "no model kept for her"
    assert not (tmp_path / "ann").exists(), "her files went with her"
    assert not shelf.was_set_aside("ann") and "ann" not in shelf.holds


def test_a_diverging_run_stops_at_its_first_non_finite_loss_and_keeps_its_last_finite_model(tmp_path):
    shelf = Shelf(root=tmp_path, device=CPU)
    runs = Runs(shelf)
    settings = VAETraining(epochs=1, lr=1e6, max_seconds=120)  # far past the Train tab's cap: diverges at once
    run = ended(runs.start("bo", "vae", VAEConfig(), settings))

    assert run.state == RunState.STOPPED, run.error
    assert "non-finite" in run.stopped_because, "the run says why it stopped"
    last = run.events[-1]
    assert last.done and last.step < last.total_steps and last.stopped_because == run.stopped_because
    saved = load_checkpoint(run.path)  # refuses NaN or infinite weights
    assert all(torch.isfinite(t).all() for t in saved.model.state_dict().values())
    assert shelf.model("bo", "vae") is run.checkpoint, "the model is bo's to use"


def test_a_failed_run_says_why_without_showing_the_servers_folders(tmp_path):
    shelf = Shelf(root=tmp_path, device=CPU)
    runs = Runs(shelf)
    gone = shelf.folder("cy") / "my-verse.txt"  # saved, then lost before the run could read it
    settings = LSTMTraining(epochs=0.05, max_seconds=60, text_file=str(gone))
    run = ended(runs.start("cy", "lstm", CharLSTMConfig(vocab="ab", embed=16, hidden=32), settings))

    assert run.state == RunState.FAILED and "my-verse.txt" in run.error, "the message names what is missing"
    assert str(tmp_path) not in run.error and str(shelf.folder("cy")) not in run.error
    assert shelf.model("cy", "lstm") is None
    again = ended(runs.start("cy", "mlp", *QUICK_MLP))
    assert again.state == RunState.FINISHED, "the visitor can train again"
