"""A CNN trained on the committed cdcgan's digits alone, or on a few real digits and many generated ones,
from the command line and as eval scores it, reads the real test set."""
import json
import subprocess
import sys

import pytest
import torch

from genlab.families.generated import accuracy_scores
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


def test_eval_scores_the_conditional_gan_by_what_a_cnn_learns_from_its_digits():
    gan = load_checkpoint(CHECKPOINTS / "cdcgan").model
    scores = accuracy_scores(gan, CPU, digits=2000, settings=TINY_TRAINING, config=TINY_CNN, few_real=500,
                             many_generated=2000)
    assert set(scores) == {"cas_generated", "cas_real", "cas_few_real", "cas_few_real_and_generated"}
    assert all(0.5 < accuracy <= 1 for accuracy in scores.values()), scores
