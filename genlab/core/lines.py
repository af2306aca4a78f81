"""Short lines of a corpus, the sentences the text VAE and the text GAN model.

A line is written as start + characters + end, where start and end are both the newline: the
character that begins and ends every line of the corpus, so a character LSTM trained on the whole
text scores a line exactly as the line models do (and can be their no-latent baseline).
"""
from collections import Counter
from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F

from genlab.core.corpus import TextError, build_vocab, decode, encode, training_text
from genlab.core.data import load_shakespeare
from genlab.core.seeds import MAX_SEED, picked, uniform

NEWLINE = "\n"


def is_speaker(line: str) -> bool:
    """A play's speaker tag ("First Citizen:"): thousands of them, all alike, so they are left out."""
    words = line[:-1].split()
    return line.endswith(":") and 0 < len(words) <= 4 and all(w[:1].isupper() for w in words)


@dataclass
class Lines:
    vocab: str
    train: list[str]
    val: list[str]  # the lines in the last tenth of the text: the same tail the LSTM holds out


def split_lines(text: str, max_chars: int = 40, val_fraction: float = 0.1, min_lines: int = 100) -> Lines:
    """The text's lines of 2 to max_chars characters (stripped, speaker tags left out), split by position."""
    if NEWLINE not in text:
        raise TextError("the text has no line breaks: the line models learn from one line at a time")
    vocab = build_vocab(text)
    cut = int(len(text) * (1 - val_fraction))
    train, val, position = [], [], 0
    for raw in text.split(NEWLINE):
        line = raw.strip()
        if 2 <= len(line) <= max_chars and not is_speaker(line):
            (train if position < cut else val).append(line)
        position += len(raw) + 1
    if len(train) < min_lines or not val:
        raise TextError(f"the text has {len(train) + len(val)} lines of 2 to {max_chars} characters "
                        f"(speaker tags aside); training needs at least {min_lines + 1}")
    return Lines(vocab, train, val)


def with_text_vocab(config, settings):
    """A line model's config with the vocabulary of the lines it will learn from."""
    return replace(config, vocab=split_lines(training_text(settings), config.max_chars).vocab)


def shakespeare_lines(model: torch.nn.Module) -> Lines | None:
    """The tiny-shakespeare lines a line model is measured on, or None for one trained on another text."""
    lines = split_lines(load_shakespeare(), model.config.max_chars)
    return lines if lines.vocab == model.config.vocab else None


@dataclass
class LineBatch:
    ids: torch.Tensor  # (B, T + 1): start, the characters, end, then end again as padding
    lengths: torch.Tensor  # (B,) characters + 1: how many positions of ids[:, 1:] are real

    @property
    def inputs(self) -> torch.Tensor:
        return self.ids[:, :-1]

    @property
    def targets(self) -> torch.Tensor:
        return self.ids[:, 1:]

    @property
    def mask(self) -> torch.Tensor:
        """(B, T) True where a target is a real character or the end, False on padding."""
        return torch.arange(self.ids.shape[1] - 1, device=self.ids.device) < self.lengths[:, None]

    def to(self, device: torch.device) -> "LineBatch":
        return LineBatch(self.ids.to(device), self.lengths.to(device))


def line_batch(lines: list[str], vocab: str) -> LineBatch:
    """Encode lines (characters outside the vocabulary are dropped) into one padded batch."""
    newline = vocab.index(NEWLINE)
    encoded = [encode(line, vocab).ids for line in lines]
    width = max(len(e) for e in encoded) + 2
    ids = torch.full((len(lines), width), newline, dtype=torch.long)
    for row, e in enumerate(encoded):
        ids[row, 1:1 + len(e)] = e
    return LineBatch(ids, torch.tensor([len(e) + 1 for e in encoded]))


def line_nll(logits: torch.Tensor, batch: LineBatch) -> torch.Tensor:
    """(B,) nats of each line, its end included, from next-character logits (B, T, V)."""
    nats = F.cross_entropy(logits.float().transpose(1, 2), batch.targets, reduction="none")
    return (nats * batch.mask).sum(1)


@torch.no_grad()
def lm_line_nll(model: torch.nn.Module, lines: list[str], device: torch.device, batch_size: int = 500) -> torch.Tensor:
    """(N,) nats of each line under a character LM (anything with CharLSTM's forward) from the start state."""
    was_training = model.training
    model.eval()
    chunks = []
    for i in range(0, len(lines), batch_size):
        batch = line_batch(lines[i:i + batch_size], model.config.vocab).to(device)
        logits, _ = model(batch.inputs)
        chunks.append(line_nll(logits, batch).cpu())
    model.train(was_training)
    return torch.cat(chunks)


def nats_per_char(nats: torch.Tensor, lines: list[str]) -> float:
    """Total nats over total characters, each line's end counted as a character."""
    return float(nats.sum()) / (sum(len(line) for line in lines) + len(lines))


def distinct_ngrams(lines: list[str], n: int) -> float:
    """Share of character n-grams that are distinct (diversity: low means repetition or mode collapse)."""
    grams = Counter(line[i:i + n] for line in lines for i in range(len(line) - n + 1))
    return len(grams) / max(1, sum(grams.values()))


@torch.no_grad()
def sample_lines(model: torch.nn.Module, count: int, max_chars: int, device: torch.device,
                 temperature: float = 1.0, seed: int = 0) -> list[str]:
    """count lines from a character LM (a CharLSTM), each from the start state to its first end or max_chars
    characters, whichever comes first; line i's character t picked by the seed's uniform draw
    i x (max_chars + 1) + t (genlab.core.seeds, which the page draws alike: ui/web/lstm.js's sampleLines)."""
    vocab = model.config.vocab
    newline = vocab.index(NEWLINE)
    steps = max_chars + 1
    draws = uniform(seed, count * steps).reshape(count, steps)
    step = model.stepper()
    ids = torch.full((count,), newline, dtype=torch.long, device=device)
    state, chosen = None, []
    for t in range(steps):
        logits, state = step(ids, state)
        chances = (logits.float().cpu() / temperature).softmax(1).numpy()
        ids = torch.tensor([picked(row, draws[i, t]) for i, row in enumerate(chances)])
        chosen.append(ids)
        ids = ids.to(device)
    return first_lines(torch.stack(chosen, 1), vocab)


def first_lines(rows: torch.Tensor, vocab: str) -> list[str]:
    """Each row of sampled ids as text, up to its first newline."""
    return [decode(row, vocab).split(NEWLINE)[0] for row in rows.tolist()]


def line_statistics(lines: list[str], judge: torch.nn.Module | None, device: torch.device,
                    training_lines: set[str] | None = None) -> dict:
    """How a set of lines reads: nats per character under a judge LM, distinct 2-, 3- and 4-grams,
    mean length, and the share copied verbatim from the training lines."""
    measured = {"lines": len(lines), "mean_chars": round(sum(map(len, lines)) / max(1, len(lines)), 2)}
    if judge is not None:
        measured["judge_nats_per_char"] = round(nats_per_char(lm_line_nll(judge, lines, device), lines), 4)
    for n in (2, 3, 4):
        measured[f"distinct_{n}"] = round(distinct_ngrams(lines, n), 4)
    if training_lines is not None:
        measured["copied"] = round(sum(line in training_lines for line in lines) / max(1, len(lines)), 4)
    return measured


def lm_lines(model: torch.nn.Module, count: int, max_chars: int, device: torch.device, temperature: float = 1.0,
             seed: int = 0, tries: int = 8) -> list[str]:
    """count lines of the kind the line models learn (2 to max_chars characters, no speaker tags) from a
    character LM trained on whole text: its lines from the start state, the other kinds passed over."""
    kept: list[str] = []
    for attempt in range(tries):
        drawn = sample_lines(model, 4 * count, max_chars, device, temperature, (seed + attempt * 7919) % (MAX_SEED + 1))
        kept += [line for line in drawn if 2 <= len(line) <= max_chars and not is_speaker(line.strip())]
        if len(kept) >= count:
            break
    return kept[:count]
