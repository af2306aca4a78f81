"""The sentence VAE and the text GAN measured afresh on the held-out lines of tiny-shakespeare (the VAE's
code carries information and beats a model without one; the GAN's figures come from the model), and each
line model trains and saves like every family."""
import math

import pytest
import torch

from genlab.core.lines import line_statistics
from genlab.families.training import train_and_save
from genlab.measure.metrics import text_vae_metrics
from genlab.models.loading import load_checkpoint
from genlab.models.text_gan import TextGANConfig
from genlab.models.text_vae import TextVAEConfig
from genlab.train.text_gan import TextGANTraining, text_gan_metrics
from genlab.train.text_vae import TextVAETraining
from tests.helpers import CHECKPOINTS

CPU = torch.device("cpu")
KL_FLOOR = 5.0  # nats per line: a collapsed posterior sits near 0


@pytest.fixture(scope="module")
def lstm():
    return load_checkpoint(CHECKPOINTS / "lstm").model


def test_the_sentence_vae_uses_its_code_and_beats_a_model_without_one(text_vae, text_gan, lstm, lines):
    """Two baselines without a code: an LSTM trained on the same lines (the text GAN's pre-trained
    generator, 256 units) and the character LSTM trained on the whole text (3.46M parameters, the size
    of the sentence VAE). Rebuilt from its code, a line costs less than under either."""
    measured = text_vae_metrics(text_vae, lines.val, CPU, {"line_lstm": text_gan.model.pretrained, "lstm": lstm})
    assert measured["val_kl"] > KL_FLOOR, "the code holds several nats per line: no posterior collapse"
    assert measured["active_dims"] >= 8
    assert measured["val_recon"] < min(measured["no_latent_line_lstm"], measured["no_latent_lstm"]), \
        "rebuilt from its code, a held-out line costs fewer nats than a model without a code needs"
    assert measured["val_recon"] < measured["val_recon_other_code"] - KL_FLOOR, \
        "given another line's code, the decoder does much worse: it reads the code"
    stored = load_checkpoint(CHECKPOINTS / "textvae").meta["metrics"]
    assert math.isclose(measured["val_kl"], stored["val_kl"], rel_tol=0.02), "the metadata holds what it measures"


def test_the_text_gan_figures_come_from_the_model(text_gan, lstm, lines):
    """The comparison the Text GAN tab shows, recomputed: its lines judged by the character LSTM, distinct
    n-grams, and how well each generator still covers held-out lines, before and after adversarial training."""
    model = text_gan.model
    measured = text_gan_metrics(model, lines, CPU, judge=lstm)
    real = line_statistics(lines.val[:1000], lstm, CPU)
    for prefix in ("", "pretrained_"):
        assert measured[prefix + "samples_distinct_4"] > 0.75 * real["distinct_4"], "no collapse onto a few lines"
        assert real["judge_nats_per_char"] < measured[prefix + "samples_judge_nats_per_char"] < 2.5, \
            "its lines read as text to the LSTM, if less well than real lines"
        assert 1.0 < measured[prefix + "val_nats_per_char"] < 2.0
        assert measured[prefix + "samples_copied"] < 0.05, "it writes new lines, not the training set"
    assert measured["samples_judge_nats_per_char"] < measured["pretrained_samples_judge_nats_per_char"], \
        "adversarial training made its lines read better to the LSTM"
    assert measured["val_nats_per_char"] > measured["pretrained_val_nats_per_char"], \
        "...at some cost in how well it covers real lines (the usual GAN trade)"
    stored = text_gan.meta["metrics"]
    assert math.isclose(measured["samples_distinct_4"], stored["samples_distinct_4"], rel_tol=1e-3)
    assert math.isclose(measured["samples_judge_nats_per_char"], stored["samples_judge_nats_per_char"], rel_tol=1e-3)


@pytest.mark.parametrize("name, config, settings", [
    ("textvae", TextVAEConfig(hidden=32, embed=16, latent=4), TextVAETraining(epochs=0.05, kl_warmup_steps=5, log_every=2, evals_per_epoch=40)),
    ("textgan", TextGANConfig(hidden=32, embed=16, filters=8),
     TextGANTraining(epochs=0.05, adversarial_steps=6, log_every=2, preview_every=3)),
])
def test_a_line_model_trains_and_saves_like_every_family(tmp_path, name, config, settings):
    """The same path as the command line and the browser: events, then a checkpoint that loads back."""
    events = list(train_and_save(name, config, settings, CPU, tmp_path / name))
    assert events[-1].done and events[-1].metrics and len(events) > 2
    assert any(isinstance(e.preview, str) and e.preview for e in events)
    loaded = load_checkpoint(tmp_path / name)
    assert loaded.meta["training"]["steps"] == events[-1].step and loaded.meta["dataset"] == "tiny-shakespeare lines"
    if name == "textgan":
        moved = any(not torch.equal(a, b) for a, b in zip(loaded.model.generator.parameters(),
                                                           loaded.model.pretrained.parameters()))
        assert moved, "adversarial steps move the generator away from its pre-trained copy"
