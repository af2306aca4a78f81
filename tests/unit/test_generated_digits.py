"""Training a classifier on digits the conditional GAN draws (Classification Accuracy Score): someone
trains a CNN from the command line on the committed cdcgan's digits alone, or on a few real digits
and many generated ones, and reads its accuracy on the real test set."""
import json
import subprocess
import sys

import pytest
import torch

from genlab.core.data import load_mnist
from genlab.core.errors import RequestError
from genlab.families.generated import accuracy_scores, training_split
from genlab.families.training import recorded
from genlab.models.classifier import CNNConfig
from genlab.models.loading import load_checkpoint
from genlab.train.classifier import ClassifierTraining
from genlab.train.lstm import LSTMTraining
from tests.helpers import CHECKPOINTS, ROOT

CPU = torch.device("cpu")
TINY_CNN = CNNConfig(channels=(4, 8), hidden=16)
TINY_TRAINING = ClassifierTraining(epochs=2.0, batch_size=64, lr=4e-3, augment=False, log_every=10)


@pytest.fixture(scope="module")
def trained_on_drawn_digits(tmp_path_factory) -> dict:
    """The metadata of a tiny CNN trained from the command line on 2,000 digits the cdcgan drew, no real ones."""
    out = tmp_path_factory.mktemp("cas") / "cnn_on_cdcgan"
    subprocess.run([sys.executable, "-m", "genlab", "train", "cnn", "--channels", "4", "8", "--hidden", "16",
                    "--real-digits", "0", "--generated-digits", "2000", "--digits-from", str(CHECKPOINTS / "cdcgan"),
                    "--epochs", "2", "--lr", "4e-3", "--batch-size", "64", "--augment", "false", "--out", str(out)],
                   cwd=ROOT, check=True, capture_output=True, text=True, timeout=600)
    return json.loads(out.with_suffix(".json").read_text())


def test_a_cnn_trained_only_on_generated_digits_reads_the_real_test_set(trained_on_drawn_digits):
    metrics = trained_on_drawn_digits["metrics"]
    assert metrics["test_images"] == 10_000
    assert metrics["test_accuracy"] > 0.5, "well above chance (10%): the drawn digits are the digits asked for"
    assert trained_on_drawn_digits["training"]["real_digits"] == 0
    assert trained_on_drawn_digits["training"]["generated_digits"] == 2000


def test_the_checkpoint_names_the_gan_by_its_file_name_only(trained_on_drawn_digits):
    assert trained_on_drawn_digits["training"]["digits_from"] == "cdcgan", "no folder of the machine that trained it"
    assert recorded(LSTMTraining(text_file="/srv/genlab/visitors/42/text.txt"))["text_file"] == "text.txt"


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


def test_eval_scores_the_conditional_gan_by_what_a_cnn_learns_from_its_digits():
    gan = load_checkpoint(CHECKPOINTS / "cdcgan").model
    scores = accuracy_scores(gan, CPU, digits=2000, settings=TINY_TRAINING, config=TINY_CNN, few_real=500,
                             many_generated=2000)
    assert set(scores) == {"cas_generated", "cas_real", "cas_few_real", "cas_few_real_and_generated"}
    assert all(0.5 < accuracy <= 1 for accuracy in scores.values()), scores
