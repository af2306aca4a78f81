"""The character LSTM: writing that carries its state (and matches re-reading everything), the sampling
knobs, the look inside, and the same loop training on any text."""
import re

import pytest
import torch

from genlab.core.corpus import split_corpus
from genlab.core.data import load_shakespeare
from genlab.inference.writer import Sampling, insight, read_prompt, write
from genlab.models.loading import load_checkpoint
from genlab.models.lstm import CharLSTM, CharLSTMConfig
from genlab.train.lstm import LSTMTraining, train_lstm
from tests.helpers import CHECKPOINTS

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def lstm():
    return load_checkpoint(CHECKPOINTS / "lstm")






def naive_greedy(model: CharLSTM, prompt: str, length: int) -> str:
    """The slow way: re-read the whole text for every new character."""
    vocab = model.config.vocab
    ids = read_prompt(prompt, vocab).ids.tolist()
    written = ""
    with torch.no_grad():
        for _ in range(length):
            logits, _ = model(torch.tensor([ids]))
            next_id = int(logits[0, -1].argmax())
            ids.append(next_id)
            written += vocab[next_id]
    return written


def test_writing_carries_the_state_and_matches_rereading_everything(lstm):
    model = lstm.model
    fast = "".join(write(model, "ROMEO:\n", Sampling(greedy=True, length=60), CPU))
    assert fast == naive_greedy(model, "ROMEO:\n", 60)
    assert len(fast) == 60


def test_one_step_at_a_time_is_the_same_model(lstm):
    """The fast single-step path (CharLSTM.stepper) gives nn.LSTM's logits and state, for several rows
    at once, and takes over from a state nn.LSTM left after reading a prompt."""
    model = lstm.model
    ids = torch.randint(0, len(model.config.vocab), (3, 30), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        whole, (h, c) = model(ids)
        _, state = model(ids[:, :10])
    step, stepped = model.stepper(), []
    for t in range(10, 30):
        logits, state = step(ids[:, t], state)
        stepped.append(logits)
    torch.testing.assert_close(torch.stack(stepped, 1), whole[:, 10:], atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(state, (h, c), atol=1e-5, rtol=1e-4)


def test_sampling_knobs_behave_as_documented(lstm):
    model = lstm.model

    def written(**knobs) -> str:
        return "".join(write(model, "KING:\n", Sampling(length=120, **knobs), CPU))

    greedy = written(greedy=True)
    assert written(top_k=1, seed=5) == greedy, "top-k 1 is greedy"
    assert written(top_p=0.01, seed=9) == greedy, "a tiny nucleus keeps only the likeliest character"
    assert written(seed=3) == written(seed=3), "the same seed writes the same text"
    assert written(seed=3) != written(seed=4)
    cold, hot = written(temperature=0.2, seed=1), written(temperature=2.0, seed=1)
    words = set(re.findall(r"[a-z]+", load_shakespeare().lower()))

    def real_word_share(text: str) -> float:
        found = re.findall(r"[a-z]+", text.lower())
        return sum(w in words for w in found) / max(1, len(found))

    assert real_word_share(cold) > real_word_share(hot), "a low temperature writes more real words"
    assert real_word_share(cold) > 0.8


def test_the_model_finds_shakespeare_less_surprising_than_noise(lstm):
    line = "Now is the winter of our discontent made glorious summer"
    shuffled = "".join(sorted(line, key=lambda ch: hash(ch) % 97))
    plain, noise = insight(lstm.model, line, CPU), insight(lstm.model, shuffled, CPU)
    assert [ch for ch, _ in plain.surprisal] == list(line)
    mean = lambda pairs: sum(n for _, n in pairs) / len(pairs)  # noqa: E731
    assert mean(plain.surprisal) < 2.0 < mean(noise.surprisal)
    assert sum(p for _, p in plain.candidates) <= 1.0 + 1e-6
    after_the = insight(lstm.model, "What is th", CPU).candidates
    assert after_the[0][0] == "e", "after 'th' the model expects an e"


def test_the_same_loop_trains_on_any_text():
    text = "The quick brown fox jumps over the lazy dog. " * 200
    corpus = split_corpus(text)
    model = CharLSTM(CharLSTMConfig(vocab=corpus.vocab, hidden=64, layers=1, embed=16, dropout=0.0))
    events = list(train_lstm(model, corpus, LSTMTraining(epochs=3, batch_size=16, seq_len=32, lr=1e-2,
                                                         log_every=5, evals_per_epoch=1), CPU))
    assert events[-1].done and isinstance(events[-1].preview, str)
    first, last = events[0].losses["loss"], events[-1].metrics["val_loss"]
    assert last < first / 2, "a repeated sentence is learned quickly"


