"""The sentence VAE and the text GAN from the committed checkpoints: held-out verse lines, rebuilding,
walking and sampling lines, typed lines checked, sampled lines that follow their seed."""
import pytest
import torch

from genlab.core.corpus import TextError
from genlab.core.lines import distinct_ngrams, is_speaker, line_batch, sample_lines
from genlab.inference.sentences import from_prior, read_line, rebuild, walk

CPU = torch.device("cpu")


def test_the_lines_are_verse_not_speaker_tags_and_the_tail_is_held_out(lines):
    assert len(lines.train) > 8000 and len(lines.val) > 800
    assert all(2 <= len(line) <= 40 and line == line.strip() for line in lines.train + lines.val)
    assert not any(is_speaker(line) for line in lines.val) and "First Citizen:" not in lines.train
    assert not set(lines.val[-50:]) <= set(lines.train), "the held-out lines come from the end of the text"


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


def test_sampled_lines_follow_the_seed_and_end_where_lines_end(text_gan):
    generator = text_gan.model.generator
    first = sample_lines(generator, 16, 40, CPU, seed=3)
    assert first == sample_lines(generator, 16, 40, CPU, seed=3) and first != sample_lines(generator, 16, 40, CPU, seed=4)
    assert all("\n" not in line and len(line) <= 41 for line in first)
    assert distinct_ngrams(["abab"], 2) == 2 / 3


