"""The character LSTM: writes text one character at a time (the Text tab)."""
from dataclasses import replace

import torch
from torch import nn

from genlab.core.corpus import ANOTHER_TEXT, split_corpus, training_text
from genlab.core.data import load_shakespeare
from genlab.families.base import Architecture, Evaluation, Family, Metric, Score
from genlab.families.recipes import TIME, Recipe, batch, epochs, hidden, lr
from genlab.inference.writer import MAX_PROMPT
from genlab.measure.metrics import lstm_metrics, text_loss
from genlab.models.lstm import CharLSTM, CharLSTMConfig
from genlab.train.loop import Stop
from genlab.train.lstm import LSTMTraining, train_lstm


def train(model: nn.Module, settings: LSTMTraining, device: torch.device, stop: Stop | None = None):
    return train_lstm(model, split_corpus(training_text(settings)), settings, device, stop=stop)


def configure(config: CharLSTMConfig, settings: LSTMTraining) -> CharLSTMConfig:
    """The vocabulary comes from the text the model trains on."""
    return replace(config, vocab=split_corpus(training_text(settings)).vocab)


def evaluate(model: nn.Module, device: torch.device, judges: dict[str, nn.Module]) -> Evaluation:
    """Loss on the held-out last 10% of tiny-shakespeare, every character predicted in context."""
    corpus = split_corpus(load_shakespeare())
    if corpus.vocab != model.config.vocab:
        return {}, [("Validation loss", ANOTHER_TEXT)]
    measured = lstm_metrics(model, corpus.val, device)
    return measured, [("Held-out characters", f"{len(corpus.val):,} (the last 10% of the text)")]


def validation_loss(checkpoint, device: torch.device) -> float:
    return text_loss(checkpoint.model.to(device), split_corpus(load_shakespeare()).val, device)


def probe(model: CharLSTM) -> int:
    """One character of the longest prompt the Text tab reads, which has MAX_PROMPT of them."""
    model(torch.zeros(1, 1, dtype=torch.long))
    return MAX_PROMPT


FAMILY = Family(
    name="lstm", title="character LSTM", dataset="tiny-shakespeare", settings=LSTMTraining,
    architectures=(
        Architecture("lstm", "Character LSTM", CharLSTM, CharLSTMConfig, Recipe({
            "epochs": epochs(1.0, 20.0), "lr": lr(3e-3), "batch_size": batch(32, 256),
            "width": hidden("Hidden units", 32, 512, 256),
            "max_seconds": TIME,
        }, config={"layers": 1, "dropout": 0.0, "embed": 64},
            settings={"seq_len": 64, "log_every": 10, "evals_per_epoch": 10.0, "eval_chars": 10_000}),
            bench_seconds=60),
    ),
    train=train, evaluate=evaluate, configure=configure,
    metrics=(Metric("val_loss", "Validation loss (nats/char)", "{:.4g}", headline=True),
             Metric("val_bits_per_char", "  bits per character", "{:.4g}", headline=True)),
    score=Score("validation loss (nats/char)", "{:.3f}", validation_loss),
    probe=probe,
    tab="Text", text_unit="characters",
)
