"""The sentence VAE and the text GAN, measured afresh from the committed checkpoints on the held-out
lines of tiny-shakespeare: the VAE's code carries information (no posterior collapse) and its
reconstructions beat a model without a code; the GAN's figures come from the model, not the metadata."""
import math

import pytest
import torch

from genlab.core.corpus import TextError
from genlab.core.data import load_shakespeare
from genlab.core.lines import distinct_ngrams, is_speaker, line_batch, line_statistics, sample_lines, split_lines
from genlab.families.training import train_and_save
from genlab.inference.sentences import from_prior, read_line, rebuild, walk
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
def lines():
    return split_lines(load_shakespeare())


@pytest.fixture(scope="module")
def lstm():
    return load_checkpoint(CHECKPOINTS / "lstm").model


@pytest.fixture(scope="module")
def text_vae():
    return load_checkpoint(CHECKPOINTS / "textvae").model


@pytest.fixture(scope="module")
def text_gan():
    return load_checkpoint(CHECKPOINTS / "textgan")


def test_the_lines_are_verse_not_speaker_tags_and_the_tail_is_held_out(lines):
    assert len(lines.train) > 8000 and len(lines.val) > 800
    assert all(2 <= len(line) <= 40 and line == line.strip() for line in lines.train + lines.val)
    assert not any(is_speaker(line) for line in lines.val) and "First Citizen:" not in lines.train
    assert not set(lines.val[-50:]) <= set(lines.train), "the held-out lines come from the end of the text"


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


def test_rebuilding_walking_and_sampling_lines(text_vae, lines):
    line = lines.val[3]
    best, draws, kl = rebuild(text_vae, line, CPU, samples=4, seed=0)
    assert kl > 1.0 and len(draws) == 4 and best
    first_words = sum(rebuild(text_vae, l, CPU, samples=0)[0].split()[:1] == l.split()[:1] for l in lines.val[:50])
    assert first_words >= 25, "the rebuilt line mostly starts with the same word"

    walked = walk(text_vae, "I will not go to bed tonight.", "What say you, my lord?", 6, CPU)
    assert len(walked) == 6 and all(walked)
    assert walked[0] == rebuild(text_vae, "I will not go to bed tonight.", CPU, samples=0)[0], "the walk starts at A"
    assert len(set(walked)) >= 3, "the lines change along the way"

    again = from_prior(text_vae, 8, CPU, seed=5)
    assert again == from_prior(text_vae, 8, CPU, seed=5) and again != from_prior(text_vae, 8, CPU, seed=6)
    known = {w.strip(".,;:!?'").lower() for l in lines.train for w in l.split()}
    words = [w.strip(".,;:!?'").lower() for l in again for w in l.split()]
    assert sum(w in known for w in words) / len(words) > 0.7, "lines from the prior are mostly real words"


def test_decoding_step_by_step_agrees_with_reading_the_whole_line(text_vae):
    """Greedy decoding (one character at a time) writes, for each code, the line whose every character is
    the likeliest next one when the decoder reads that line whole."""
    codes = torch.randn(6, text_vae.config.latent, generator=torch.Generator().manual_seed(1))
    decoded = text_vae.decode(codes)
    for code, line in zip(codes, decoded):
        batch = line_batch([line], text_vae.config.vocab)
        with torch.no_grad():
            likeliest = text_vae.decode_logits(code[None], batch.inputs)[0].argmax(1)
        assert likeliest.tolist() == batch.targets[0].tolist(), line


def test_typed_lines_are_checked(text_vae):
    assert read_line("  To be,\n or   not ", text_vae).text == "To be, or not"
    assert read_line("Caf\u00e9 au lait", text_vae).unknown == "\u00e9"
    for bad, words in (("", "empty"), ("\u4e2d\u6587", "empty"), ("x" * 81, "81 characters"), (None, "must be text")):
        with pytest.raises(TextError, match=words):
            read_line(bad, text_vae)


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


def test_sampled_lines_follow_the_seed_and_end_where_lines_end(text_gan):
    generator = text_gan.model.generator
    first = sample_lines(generator, 16, 40, CPU, seed=3)
    assert first == sample_lines(generator, 16, 40, CPU, seed=3) and first != sample_lines(generator, 16, 40, CPU, seed=4)
    assert all("\n" not in line and len(line) <= 41 for line in first)
    assert distinct_ngrams(["abab"], 2) == 2 / 3


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
