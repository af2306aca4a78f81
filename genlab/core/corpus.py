"""Character text for the LSTM and the text VAE/GAN: vocabularies, encoding, and corpus splits."""
from dataclasses import dataclass
from pathlib import Path

import torch

from genlab.core.data import load_shakespeare
from genlab.core.errors import RequestError

MAX_TRAINING_TEXT = 5_000_000  # characters; a pasted or uploaded corpus beyond this is refused
ANOTHER_TEXT = "trained on another text: no tiny-shakespeare figure"  # what eval says of such a model
MAX_VOCAB = 1000  # distinct characters a text model may learn (its embedding and output grow with them)


class TextError(RequestError):
    """Text that cannot be used as given: the message says why and what to do."""


def build_vocab(text: str) -> str:
    """The distinct characters of a text in code-point order: position = id."""
    return "".join(sorted(set(text)))


@dataclass
class Encoded:
    ids: torch.Tensor  # int64, one id per known character
    unknown: str  # distinct characters the vocabulary lacks, dropped from ids


def encode(text: str, vocab: str) -> Encoded:
    """Ids of the known characters; the unknown ones are dropped and reported, never an error."""
    index = {ch: i for i, ch in enumerate(vocab)}
    ids = [index[ch] for ch in text if ch in index]
    unknown = "".join(sorted({ch for ch in text if ch not in index}))
    return Encoded(torch.tensor(ids, dtype=torch.long), unknown)


def left_out(unknown: str) -> str:
    """A note of the characters a model does not know, sorted, each once ('' when none); the page words it
    alike (ui/web/lstm.js's leftOut)."""
    return (f"Left out {len(unknown)} character(s) the model does not know: "
            f"{', '.join(repr(c) for c in unknown[:20])}." if unknown else "")


def decode(ids, vocab: str) -> str:
    """The characters of these ids (a list or a 1-D tensor)."""
    return "".join(vocab[int(i)] for i in ids)


@dataclass
class Corpus:
    """A text split into training ids and a held-out tail, with the vocabulary of the whole text."""

    vocab: str
    train: torch.Tensor
    val: torch.Tensor


def split_corpus(text: str, val_fraction: float = 0.1, min_chars: int = 1000) -> Corpus:
    """The last `val_fraction` of the text is held out, as nanoGPT and char-rnn do."""
    if len(text) < min_chars:
        raise TextError(f"the text has {len(text)} characters; training needs at least {min_chars}")
    if len(text) > MAX_TRAINING_TEXT:
        raise TextError(f"the text has {len(text):,} characters; the cap is {MAX_TRAINING_TEXT:,}")
    vocab = build_vocab(text)
    if len(vocab) > MAX_VOCAB:
        raise TextError(f"the text has {len(vocab):,} distinct characters; the models learn at most {MAX_VOCAB:,}")
    ids = encode(text, vocab).ids
    cut = int(len(ids) * (1 - val_fraction))
    return Corpus(vocab, ids[:cut], ids[cut:])


def decode_utf8(data: bytes) -> str:
    """Uploaded bytes as text, refusing anything that is not UTF-8 with a readable message."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise TextError(f"the text is not UTF-8 (byte {err.start}: {data[err.start:err.start + 1]!r}); "
                        "save it as UTF-8 and try again") from err


def training_text(settings) -> str:
    """What a text model learns from: the UTF-8 file its settings name (a visitor's text), else
    tiny-shakespeare."""
    if settings.text_file:
        return decode_utf8(Path(settings.text_file).expanduser().read_bytes())
    return load_shakespeare()
