"""The GANs: the committed models' FID and digit coverage measured afresh, and a run that measures FID as
it learns."""
import pytest
import torch

from genlab.core.data import ImageSplit, load_mnist
from genlab.models.gan import DCGAN, DCGANConfig
from genlab.models.loading import load_checkpoint
from genlab.train.gan import FID_DURING_RUN, GANTraining, gan_metrics, train_gan
from tests.helpers import CHECKPOINTS


@pytest.fixture(scope="module")
def mnist_train():
    return load_mnist(train=True)


@pytest.mark.parametrize("name, fid_ceiling, rarest_digit", [("mlpgan", 5.5, 0.07), ("dcgan", 5.0, 0.07),
                                                            ("cdcgan", 5.0, 0.08)])  # the MLP GAN's FID sits
# close to the others' ceiling: a ceiling there would test the draw of its noise, not the model (docs/gan-tuning.md)
def test_committed_gan_quality_measured_afresh(mnist_train, mnist_test, cnn, name, fid_ceiling, rarest_digit):
    checkpoint = load_checkpoint(CHECKPOINTS / name)
    measured = gan_metrics(checkpoint.model, cnn, mnist_train, mnist_test)
    stored = checkpoint.meta["metrics"]
    assert measured["samples"] == 10_000
    assert measured["fid_floor_train_vs_test"] < measured["fid"] <= fid_ceiling
    assert measured["fid"] == pytest.approx(stored["fid"], rel=1e-3)  # the card tells the truth
    assert measured["class_histogram"] == pytest.approx(stored["class_histogram"], abs=2e-3)
    assert min(measured["class_histogram"]) > rarest_digit  # every digit is generated
    assert max(measured["class_histogram"]) < 0.13  # and none crowds the others out
    if name == "cdcgan":
        assert measured["requested_digit_accuracy"] >= 0.97
        assert min(measured["per_class_requested_accuracy"]) >= 0.93


def test_a_gan_run_measures_fid_as_it_learns(mnist_train, mnist_test, cnn):
    torch.manual_seed(0)
    model = DCGAN(DCGANConfig(channels=(8, 16), noise=8))
    settings = GANTraining(epochs=0.05, batch_size=32, fid_every=30, measure_floor=False)
    few_test = ImageSplit(mnist_test.images[:2000], mnist_test.labels[:2000])  # the final FID: as many samples
    events = list(train_gan(model, mnist_train, few_test, settings, torch.device("cpu"), reader=cnn))
    during = [e.metrics[FID_DURING_RUN] for e in events if FID_DURING_RUN in e.metrics]
    assert len(during) == events[-1].step // 30 and all(fid > 0 for fid in during)
    final = events[-1].metrics
    assert final["samples"] == 2000 and final["fid"] > 0 and "fid_floor_train_vs_test" not in final


def test_a_short_gan_run_draws_an_fid_curve_through_its_time_limit(mnist_train, mnist_test, cnn):
    """A run cut by its time limit may stop before fid_every steps come round at all; its FID is also
    measured at each eighth of its time (spaced so that measuring takes a small share of it)."""
    torch.manual_seed(0)
    model = DCGAN(DCGANConfig(channels=(8, 16), noise=8))
    settings = GANTraining(epochs=5, batch_size=32, fid_every=100_000, measure_floor=False, max_seconds=3)
    few_test = ImageSplit(mnist_test.images[:2000], mnist_test.labels[:2000])
    events = list(train_gan(model, mnist_train, few_test, settings, torch.device("cpu"), reader=cnn))
    during = [e for e in events if FID_DURING_RUN in e.metrics]
    assert events[-1].step < settings.fid_every and during, "no FID before the final one"
    assert during[0].elapsed >= settings.max_seconds / 8 and all(e.metrics[FID_DURING_RUN] > 0 for e in during)
