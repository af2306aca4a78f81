"""Training a classifier on digits the conditional GAN draws: the split of a few real digits and many
generated ones, and the checkpoints that cannot draw labelled digits refused."""
import pytest
import torch

from genlab.core.checkpoint import read_meta
from genlab.core.data import load_mnist
from genlab.core.errors import RequestError
from genlab.families.generated import training_split
from genlab.models.classifier import CNNConfig
from genlab.train.classifier import ClassifierTraining
from tests.helpers import CHECKPOINTS

CPU = torch.device("cpu")
TINY_CNN = CNNConfig(channels=(4, 8), hidden=16)
TINY_TRAINING = ClassifierTraining(epochs=2.0, batch_size=64, lr=4e-3, augment=False, log_every=10)


def test_the_committed_cdcgans_digits_stand_in_for_real_ones_on_its_card():
    """The Classification Accuracy Score with the Train tab's full budget (eval measures it for the card;
    the app's story stops that run early): a CNN that saw only the cdcgan's digits reads over 90% of the
    real test digits, within a few points of the same CNN trained on real ones."""
    metrics = read_meta(CHECKPOINTS / "cdcgan.json")["metrics"]
    assert metrics["cas_real"] > 0.95 and metrics["cas_generated"] > 0.9, metrics
    assert metrics["cas_real"] - metrics["cas_generated"] < 0.05, metrics


def test_a_few_real_digits_and_many_generated_ones_make_one_balanced_split():
    settings = ClassifierTraining(real_digits=1000, generated_digits=10_000, digits_from=str(CHECKPOINTS / "cdcgan"))
    split = training_split(settings, CPU)
    assert len(split) == len(split.images) == 11_000
    assert split.labels[:1000].bincount(minlength=10).tolist() == [100] * 10, "the real digits, balanced"
    assert split.labels[1000:].bincount(minlength=10).tolist() == [1000] * 10, "the generated digits, balanced"
    assert 0 <= split.images.min() and split.images.max() <= 1 and split.images.shape[1:] == (1, 28, 28)
    again = training_split(settings, CPU)
    assert torch.equal(again.images, split.images), "the same settings give the same digits"


def test_the_default_settings_train_on_the_whole_real_training_split():
    assert training_split(ClassifierTraining(), CPU) is load_mnist(train=True)


@pytest.mark.parametrize("name, why", [("dcgan", "unconditional"), ("cnn", "not a GAN")])
def test_a_checkpoint_that_cannot_draw_labelled_digits_is_refused(name, why):
    settings = ClassifierTraining(real_digits=0, generated_digits=100, digits_from=str(CHECKPOINTS / name))
    with pytest.raises(RequestError, match=why) as refused:
        training_split(settings, CPU)
    assert "checkpoints/cdcgan" in str(refused.value), "the message names a checkpoint that would do"


