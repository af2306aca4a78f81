"""Writing with a character LM: sampling settings, streamed generation with carried state, and insight.

Every text starts from the model's start state: the state after reading a newline, the character
that begins every line of the corpus. The prompt is read once; each new character then costs a
single LSTM step (CharLSTM.stepper).
"""
import math
from dataclasses import dataclass
from typing import Iterator

import torch

from genlab.core.corpus import TextError, decode, encode, left_out
from genlab.core.seeds import MAX_SEED, picked, uniform

MAX_PROMPT = 4000  # characters
MAX_LENGTH = 2000  # characters generated per request


@dataclass
class Sampling:
    temperature: float = 0.8
    top_k: int = 0  # keep the k likeliest characters; 0 keeps all
    top_p: float = 1.0  # keep the smallest set whose probability reaches p (nucleus sampling)
    greedy: bool = False  # always the likeliest character (the same as top_k = 1)
    length: int = 300
    seed: int = 0

    def check(self) -> None:
        """Refuse values the sampler cannot honour, with the allowed range in the message."""
        def bad(name: str, value, allowed: str) -> TextError:
            return TextError(f"{name} must be {allowed}; got {value!r}")

        if not (isinstance(self.temperature, (int, float)) and math.isfinite(self.temperature)
                and 0.05 <= self.temperature <= 5.0):
            raise bad("temperature", self.temperature, "a number from 0.05 to 5")
        if not (isinstance(self.top_p, (int, float)) and math.isfinite(self.top_p) and 0.0 < self.top_p <= 1.0):
            raise bad("top_p", self.top_p, "a number above 0 and at most 1")
        if not (isinstance(self.top_k, int) and 0 <= self.top_k <= 1000):
            raise bad("top_k", self.top_k, "a whole number from 0 (off) to 1000")
        if not (isinstance(self.length, int) and 1 <= self.length <= MAX_LENGTH):
            raise bad("length", self.length, f"a whole number from 1 to {MAX_LENGTH}")
        if not (isinstance(self.seed, int) and 0 <= self.seed <= MAX_SEED):
            raise bad("seed", self.seed, f"a whole number from 0 to {MAX_SEED}")


def sampling_from(temperature: float, top_k: float, top_p: float, length: float, seed: float,
                  greedy: bool) -> Sampling:
    """Sampling settings from the values a request sent, refusing what cannot be honoured."""
    def whole(value, what: str) -> int:
        if value is None or isinstance(value, bool) or not math.isfinite(value) or value != int(value):
            raise TextError(f"{what} must be a whole number; got {value!r}.")
        return int(value)

    sampling = Sampling(temperature=temperature, top_k=whole(top_k, "top-k"), top_p=top_p, greedy=bool(greedy),
                        length=whole(length, "Length"), seed=whole(seed, "The seed"))
    sampling.check()
    return sampling


def start_char(vocab: str) -> str:
    return "\n" if "\n" in vocab else vocab[0]


@dataclass
class Prompt:
    ids: torch.Tensor  # the start character and then the prompt's known characters
    text: str  # the prompt as the model reads it (unknown characters removed)
    unknown: str  # characters the model does not know, dropped


def notice(prompt: Prompt) -> str:
    """What a person should know about how their prompt was read ('' when nothing)."""
    note = left_out(prompt.unknown)
    if not prompt.text:
        note = (note + " The text starts from the model's start state.").strip()
    return note


def read_prompt(prompt: str, vocab: str) -> Prompt:
    if not isinstance(prompt, str):
        raise TextError(f"the prompt must be text, got {type(prompt).__name__}")
    if len(prompt) > MAX_PROMPT:
        raise TextError(f"the prompt has {len(prompt):,} characters; the cap is {MAX_PROMPT:,}")
    encoded = encode(start_char(vocab) + prompt, vocab)
    return Prompt(encoded.ids, decode(encoded.ids[1:], vocab), encoded.unknown)


def chances(logits: torch.Tensor, sampling: Sampling) -> torch.Tensor:
    """The probabilities (V,) the next character is drawn from: the model's, sharpened or flattened by
    the temperature and cut to the top-k and top-p; for greedy writing, the model's own (it takes the
    likeliest)."""
    logits = logits.float().cpu()
    if sampling.greedy or sampling.top_k == 1:
        return logits.softmax(0)
    logits = logits / sampling.temperature
    if 0 < sampling.top_k < len(logits):
        kth = torch.topk(logits, sampling.top_k).values[-1]
        logits = logits.masked_fill(logits < kth, -math.inf)
    if sampling.top_p < 1.0:
        ordered, order = logits.sort(descending=True)
        before = ordered.softmax(0).cumsum(0) - ordered.softmax(0)  # mass of the likelier ones
        logits[order[before >= sampling.top_p]] = -math.inf
    return logits.softmax(0)


def pick(logits: torch.Tensor, sampling: Sampling, draw: float) -> tuple[int, torch.Tensor]:
    """One character id from next-character logits (V,) under the sampling settings, and the chances
    it was drawn from (computed once: a step of writing needs both). `draw`, in [0, 1), picks where the
    chances' running sum (in id order) passes draw x their sum, as the page does (ui/web/lstm.js)."""
    drawn_from = chances(logits, sampling)
    if sampling.greedy or sampling.top_k == 1:
        return int(logits.argmax()), drawn_from
    return picked(drawn_from.numpy(), draw), drawn_from


@torch.no_grad()
def write_steps(model: torch.nn.Module, prompt: str, sampling: Sampling,
                device: torch.device) -> Iterator[tuple[str, torch.Tensor]]:
    """Each generated character with the chances it was drawn from, one at a time, each from a single
    step on the carried state."""
    sampling.check()
    vocab = model.config.vocab
    ids = read_prompt(prompt, vocab).ids.to(device)
    draws = uniform(sampling.seed, sampling.length)  # the seed's own draws, one a character (genlab.core.seeds)
    logits, state = model(ids[None])  # the prompt in one call
    logits, step = logits[:, -1], model.stepper()  # (1, V): the next character's, as each step gives
    for draw in draws:
        next_id, drawn_from = pick(logits[0], sampling, float(draw))
        yield vocab[next_id], drawn_from
        logits, state = step(torch.tensor([next_id], device=device), state)


def write(model: torch.nn.Module, prompt: str, sampling: Sampling, device: torch.device) -> Iterator[str]:
    """The generated characters one at a time (write_steps without the chances)."""
    for char, _ in write_steps(model, prompt, sampling, device):
        yield char


@dataclass
class Insight:
    surprisal: list[tuple[str, float]]  # each prompt character and its surprisal in nats
    candidates: list[tuple[str, float]]  # the likeliest next characters and their probabilities
    next_log_probs: torch.Tensor  # (V,) every next character's log-probability


@torch.no_grad()
def insight(model: torch.nn.Module, text: str, device: torch.device, top: int = 8) -> Insight:
    """How surprising each character of a text was to the model, and what it expects next."""
    prompt = read_prompt(text, model.config.vocab)
    logits, _ = model(prompt.ids.to(device)[None])
    log_probs = logits[0].float().log_softmax(-1).cpu()
    nats = -log_probs[:-1].gather(1, prompt.ids[1:, None])[:, 0]
    probs, ids = log_probs[-1].exp().topk(min(top, log_probs.shape[-1]))
    vocab = model.config.vocab
    return Insight([(ch, round(float(n), 4)) for ch, n in zip(prompt.text, nats)],
                   [(vocab[int(i)], round(float(p), 4)) for p, i in zip(probs, ids)], log_probs[-1])
