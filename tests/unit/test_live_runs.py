"""Live runs through the line of runs and the visitors' shelf, without the browser: a visitor who
leaves at the very moment their run ends leaves nothing behind; a run whose loss diverges stops there
and keeps a usable model; a run that fails says why without showing the server's folders; a
comparison's two recipes train one after the other in one slot, and Stop during the first ends both."""
import threading
import time
from types import SimpleNamespace

import torch

from genlab.families.two_recipes import budget_note
from genlab.models.classifier import MLPConfig
from genlab.models.loading import load_checkpoint
from genlab.models.lstm import CharLSTMConfig
from genlab.models.vae import VAEConfig
from genlab.serve.runs.line import Runs
from genlab.serve.runs.run import ACTIVE, Run, RunState
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
    run = runs.start("ann", "mlp", [QUICK_MLP])
    [part] = run.parts
    assert handing_over.wait(timeout=300), part.error
    assert part.checkpoint is not None, "the run trained and saved a model"
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
    [part] = ended(runs.start("bo", "vae", [(VAEConfig(), settings)])).parts

    assert part.state == RunState.STOPPED, part.error
    assert "non-finite" in part.stopped_because, "the run says why it stopped"
    last = part.events[-1]
    assert last.done and last.step < last.total_steps and last.stopped_because == part.stopped_because
    saved = load_checkpoint(part.path)  # refuses NaN or infinite weights
    assert all(torch.isfinite(t).all() for t in saved.model.state_dict().values())
    assert shelf.model("bo", "vae") is part.checkpoint, "the model is bo's to use"


def test_a_failed_run_says_why_without_showing_the_servers_folders(tmp_path):
    shelf = Shelf(root=tmp_path, device=CPU)
    runs = Runs(shelf)
    gone = shelf.folder("cy") / "my-verse.txt"  # saved, then lost before the run could read it
    settings = LSTMTraining(epochs=0.05, max_seconds=60, text_file=str(gone))
    [part] = ended(runs.start("cy", "lstm", [(CharLSTMConfig(vocab="ab", embed=16, hidden=32), settings)])).parts

    assert part.state == RunState.FAILED and "my-verse.txt" in part.error, "the message names what is missing"
    assert str(tmp_path) not in part.error and str(shelf.folder("cy")) not in part.error
    assert shelf.model("cy", "lstm") is None
    [again] = ended(runs.start("cy", "mlp", [QUICK_MLP])).parts
    assert again.state == RunState.FINISHED, "the visitor can train again"


def test_a_comparison_trains_its_two_recipes_one_after_the_other_in_one_slot(tmp_path):
    """Dee compares a narrow MLP with a wide one: recipe B waits while A trains, then trains in the same
    slot (Eve, who starts a run meanwhile, waits until both are done); each recipe saves its own model,
    and B's, the last made, is Dee's to use."""
    shelf = Shelf(root=tmp_path, device=CPU)
    runs = Runs(shelf, slots=1)
    narrow = MLPConfig(hidden=(32,)), QUICK_MLP[1]
    run = runs.start("dee", "mlp", [narrow, QUICK_MLP])
    eves = runs.start("eve", "mlp", [QUICK_MLP])
    a, b = run.parts
    seen = set()
    while True:
        eve_waits = runs.position(eves) == 1  # read first: Eve leaves the line only once Dee's run has ended
        seen.add((a.state, b.state))
        if not run.active:
            break
        assert eve_waits, "Dee's two recipes keep the one slot from start to end"
        time.sleep(0.02)
    runs.stop("eve")

    assert all(b_state == RunState.WAITING for a_state, b_state in seen if a_state in ACTIVE), "B waits for A"
    assert (RunState.FINISHED, RunState.RUNNING) in seen, "B trains once A has finished"
    assert a.state == b.state == RunState.FINISHED, (a.error, b.error)
    assert (a.path.name, b.path.name) == ("mlp-a", "mlp-b") and a.path.parent == b.path.parent == run.folder
    assert a.checkpoint.meta["config"] != b.checkpoint.meta["config"], "each recipe saved its own model"
    assert shelf.model("dee", "classifier") is b.checkpoint, "recipe B's model becomes Dee's"


def test_stop_during_the_first_recipe_ends_the_run_and_the_second_never_starts(tmp_path):
    """Fay stops her comparison while recipe A trains: A ends after its current step and keeps what it
    learned, B never starts, and A's model is hers."""
    shelf = Shelf(root=tmp_path, device=CPU)
    runs = Runs(shelf)
    long_a = MLPConfig(hidden=(64,)), ClassifierTraining(epochs=5, max_seconds=120)
    run = runs.start("fay", "mlp", [long_a, QUICK_MLP])
    a, b = run.parts
    while not a.events:
        assert run.active, a.error
        time.sleep(0.05)
    runs.stop("fay")
    assert b.state == RunState.STOPPED, "B will never start"
    ended(run)

    assert a.state == RunState.STOPPED and a.checkpoint is not None, a.error
    assert a.events[-1].step < a.events[-1].total_steps, "A ended early, at Stop"
    assert b.events == [] and b.checkpoint is None and not b.path.with_suffix(".json").exists()
    assert shelf.model("fay", "classifier") is a.checkpoint, "A's model is Fay's"


def test_two_recipes_with_different_steps_say_why():
    """Recipe B's steps cost more and both ran into the same 30 s limit: the note says so and that they
    are to be compared at equal time; two recipes that ran their epochs say that instead."""
    def trained(steps: int, seconds: float) -> SimpleNamespace:
        return SimpleNamespace(meta={"training": {"steps": steps, "seconds": seconds, "max_seconds": 30}})

    note = budget_note(trained(459, 30.2), trained(391, 30.1))
    assert "Same time limit (30 s)" in note and "recipe A did 459, recipe B 391" in note and "equal time" in note
    assert "passes over the data" in budget_note(trained(938, 12.0), trained(469, 11.0))
    assert budget_note(trained(100, 5.0), trained(100, 6.0)) == ""
