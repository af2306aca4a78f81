"""Which training loop, settings and data each architecture uses: the command line and the browser both look here."""
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator

import torch
from torch import nn

from genlab.checkpoint import config_to_dict, load_checkpoint, save_checkpoint
from genlab.device import describe
from genlab.models import ARCHITECTURES
from genlab.data import load_mnist, load_shakespeare
from genlab.lines import split_lines
from genlab.text import Corpus, decode_utf8, split_corpus
from genlab.train.classifier import ClassifierTraining, train_classifier
from genlab.train.gan import GANTraining, train_gan
from genlab.train.loop import Stop, TrainEvent
from genlab.train.lstm import LSTMTraining, train_lstm
from genlab.train.text_gan import TextGANTraining, train_text_gan
from genlab.train.text_vae import TextVAETraining, train_text_vae
from genlab.train.vae import VAETraining, train_vae


CHECKPOINTS = Path(__file__).resolve().parent.parent.parent / "checkpoints"


@dataclass(frozen=True)
class Trainer:
    settings: type
    dataset: str
    run: Callable[..., Iterator[TrainEvent]]  # (model, settings, device, stop=None)
    configure: Callable[[object, object], object] = lambda config, settings: config  # fill data-given fields


def run_classifier(model: nn.Module, settings: ClassifierTraining, device: torch.device,
            stop: Stop | None = None) -> Iterator[TrainEvent]:
    return train_classifier(model, load_mnist(train=True), load_mnist(train=False), settings, device, stop=stop)


def run_vae(model: nn.Module, settings: VAETraining, device: torch.device,
            stop: Stop | None = None) -> Iterator[TrainEvent]:
    return train_vae(model, load_mnist(train=True), load_mnist(train=False), settings, device, stop=stop)


def run_gan(model: nn.Module, settings: GANTraining, device: torch.device,
            stop: Stop | None = None) -> Iterator[TrainEvent]:
    """The committed CNN measures the samples (FID in its feature space, class histogram)."""
    reader = load_checkpoint(CHECKPOINTS / "cnn", device).model
    return train_gan(model, load_mnist(train=True), load_mnist(train=False), settings, device, reader, stop)


def corpus_text(settings) -> str:
    """tiny-shakespeare, or the UTF-8 text file the settings name."""
    if settings.text_file:
        return decode_utf8(Path(settings.text_file).expanduser().read_bytes())
    return load_shakespeare()


def lstm_corpus(settings: LSTMTraining) -> Corpus:
    return split_corpus(corpus_text(settings))


def line_judge(device: torch.device) -> nn.Module | None:
    """The committed character LSTM, which scores lines without any latent code; None if it is missing."""
    try:
        return load_checkpoint(CHECKPOINTS / "lstm", device).model
    except Exception:  # a missing or broken LSTM only costs the comparison, never the run
        return None


def no_latent_baselines(device: torch.device) -> dict[str, nn.Module]:
    """Character LMs that read a line with no code: the committed LSTM (whole text, in context) and the
    text GAN's pre-trained generator (the same lines, a decoder of the VAE's size), where they load."""
    baselines = {"lstm": line_judge(device)}
    try:
        baselines["line_lstm"] = load_checkpoint(CHECKPOINTS / "textgan", device).model.pretrained
    except Exception:  # as above: only the comparison is lost
        pass
    return {name: model for name, model in baselines.items() if model is not None}


def run_lstm(model: nn.Module, settings: LSTMTraining, device: torch.device,
            stop: Stop | None = None) -> Iterator[TrainEvent]:
    return train_lstm(model, lstm_corpus(settings), settings, device, stop=stop)


def configure_lstm(config, settings: LSTMTraining):
    """The vocabulary comes from the text the model trains on."""
    return replace(config, vocab=lstm_corpus(settings).vocab)


def run_text_vae(model: nn.Module, settings: TextVAETraining, device: torch.device,
                 stop: Stop | None = None) -> Iterator[TrainEvent]:
    lines = split_lines(corpus_text(settings), model.config.max_chars)
    return train_text_vae(model, lines, settings, device, no_latent_baselines(device), stop)


def run_text_gan(model: nn.Module, settings: TextGANTraining, device: torch.device,
                 stop: Stop | None = None) -> Iterator[TrainEvent]:
    lines = split_lines(corpus_text(settings), model.config.max_chars)
    return train_text_gan(model, lines, settings, device, line_judge(device), stop)


def configure_lines(config, settings):
    """Line models take their vocabulary from the text they learn from."""
    return replace(config, vocab=split_lines(corpus_text(settings), config.max_chars).vocab)


TRAINERS: dict[str, Trainer] = {
    "cnn": Trainer(ClassifierTraining, "MNIST", run_classifier),
    "mlp": Trainer(ClassifierTraining, "MNIST", run_classifier),
    "vae": Trainer(VAETraining, "MNIST", run_vae),
    "mlpgan": Trainer(GANTraining, "MNIST", run_gan),
    "dcgan": Trainer(GANTraining, "MNIST", run_gan),
    "cdcgan": Trainer(GANTraining, "MNIST", run_gan),
    "lstm": Trainer(LSTMTraining, "tiny-shakespeare", run_lstm, configure_lstm),
    "textvae": Trainer(TextVAETraining, "tiny-shakespeare lines", run_text_vae, configure_lines),
    "textgan": Trainer(TextGANTraining, "tiny-shakespeare lines", run_text_gan, configure_lines),
}


def train_and_save(name: str, config, settings, device: torch.device, out: Path,
                   stop: Stop | None = None) -> Iterator[TrainEvent]:
    """Build the architecture, train it, yield every event, and write the checkpoint to `out` at the end.

    The command line and the browser's training runs both come through here, so a model trained
    live is saved exactly as the committed ones are.
    """
    trainer = TRAINERS[name]
    config = trainer.configure(config, settings)
    torch.manual_seed(settings.seed)
    model = ARCHITECTURES[name].model(config)
    last = None
    for last in trainer.run(model, settings, device, stop=stop):
        yield last
    training = {**config_to_dict(settings), "steps": last.step, "seconds": round(last.elapsed, 1),
                "device": describe(device)}
    save_checkpoint(model, out, training=training, dataset=trainer.dataset, metrics=last.metrics)
