"""The committed classifiers are as accurate as their cards say, and the training loop that made them works."""
import pytest
import torch

from genlab.core.data import ImageSplit
from genlab.measure.metrics import classifier_metrics
from genlab.models.classifier import MLP, MLPConfig
from genlab.models.loading import load_checkpoint
from genlab.train.classifier import ClassifierTraining, train_classifier
from tests.helpers import CHECKPOINTS


@pytest.mark.parametrize("name, floor", [("cnn", 0.993), ("mlp", 0.980)])
def test_committed_classifiers_read_the_real_test_set_as_well_as_promised(name, floor):
    """Their cards clear the bar on all 10,000 test digits; that the cards tell the truth is measured
    afresh by `eval` (tests/unit/test_eval.py), so it is not measured twice."""
    metrics = load_checkpoint(CHECKPOINTS / name).meta["metrics"]
    assert metrics["test_images"] == 10_000
    assert metrics["test_accuracy"] >= floor
    assert sum(map(sum, metrics["confusion_matrix"])) == 10_000
    assert sum(metrics["confusion_matrix"][k][k] for k in range(10)) == round(metrics["test_accuracy"] * 10_000)


def small(split: ImageSplit, n: int) -> ImageSplit:
    return ImageSplit(split.images[:n], split.labels[:n])


def test_the_training_loop_reports_progress_and_learns(mnist_test):
    torch.manual_seed(0)
    model = MLP(MLPConfig(hidden=(64,)))
    train, test = small(mnist_test, 6000), small(mnist_test, 1000)  # the test split stands in: this checks the loop
    settings = ClassifierTraining(epochs=2, batch_size=64, log_every=20, evals_per_epoch=2, augment=False)
    events = list(train_classifier(model, train, test, settings, torch.device("cpu")))
    steps = [e.step for e in events]
    assert steps == sorted(steps) and events[-1].step == events[-1].total_steps == 2 * (6000 // 64)
    assert events[0].losses["loss"] > events[-2].losses["loss"]
    assert [e.done for e in events].count(True) == 1 and events[-1].done
    assert events[-1].metrics["test_accuracy"] > 0.8
    assert any(e.preview is not None and e.preview.ndim == 3 for e in events)
    assert 0 < events[1].seconds_left < float("inf")


def test_stopping_early_keeps_what_was_learned(mnist_test):
    torch.manual_seed(0)
    model = MLP(MLPConfig(hidden=(64,)))
    before = classifier_metrics(model, small(mnist_test, 1000), torch.device("cpu"))["test_accuracy"]
    loop = train_classifier(model, small(mnist_test, 6000), small(mnist_test, 1000),
                            ClassifierTraining(epochs=5, batch_size=64, log_every=10), torch.device("cpu"))
    for event in loop:
        if event.step >= 60:
            break
    loop.close()
    after = classifier_metrics(model, small(mnist_test, 1000), torch.device("cpu"))["test_accuracy"]
    assert event.step == 60 < event.total_steps
    assert after > before + 0.3


