"""The character LSTM: its validation loss measured afresh on the held-out tail of tiny-shakespeare."""
import math

import pytest
import torch

from genlab.core.corpus import split_corpus
from genlab.core.data import load_shakespeare
from genlab.models.loading import load_checkpoint
from tests.helpers import CHECKPOINTS

CPU = torch.device("cpu")


VAL_LOSS_BAR = 1.50  # nats per character on the last 10% of the corpus (the bar docs/quality.md states)


@pytest.fixture(scope="module")
def lstm():
    return load_checkpoint(CHECKPOINTS / "lstm")


@pytest.fixture(scope="module")
def corpus():
    return split_corpus(load_shakespeare())


def test_the_committed_lstm_reaches_its_validation_loss_on_the_held_out_tail(lstm, corpus):
    """The card's validation loss is under the bar, on the last tenth of the corpus, with the vocabulary it
    was trained on. The loss itself is measured afresh, and found equal to the card's, by eval's test
    (tests/models/test_eval.py), which runs on the ZeroGPU Space's PyTorch too."""
    assert lstm.model.config.vocab == corpus.vocab, "the vocabulary travels with the checkpoint"
    assert len(corpus.val) == len(load_shakespeare()) - int(len(load_shakespeare()) * 0.9)
    stored = lstm.meta["metrics"]
    assert stored["val_loss"] <= VAL_LOSS_BAR
    assert stored["val_bits_per_char"] == pytest.approx(stored["val_loss"] / math.log(2), abs=1e-3)
    assert stored["val_chars"] == len(corpus.val), "measured on the whole held-out tail"
