"""The text GAN: a character LSTM trained adversarially to write lines (the Text GAN tab)."""
import torch
from torch import nn

from genlab.core.corpus import ANOTHER_TEXT, training_text
from genlab.core.lines import line_statistics, lm_lines, shakespeare_lines, split_lines, with_text_vocab
from genlab.families.base import Architecture, Evaluation, Family, Metric, Score
from genlab.families.recipes import TIME, Knob, Recipe, batch, hidden
from genlab.measure.judges import line_judge
from genlab.models.text_gan import TextGAN, TextGANConfig
from genlab.train.loop import Stop
from genlab.train.text_gan import TextGANTraining, text_gan_metrics, train_text_gan


def train(model: nn.Module, settings: TextGANTraining, device: torch.device, stop: Stop | None = None):
    lines = split_lines(training_text(settings), model.config.max_chars)
    return train_text_gan(model, lines, settings, device, line_judge(device), stop)


def summary(stats: dict, coverage: float | None) -> str:
    judged = f"{stats['judge_nats_per_char']:.3f}" if "judge_nats_per_char" in stats else "no judge"
    text = (f"{judged} nats/char to the LSTM; distinct 4-grams {stats['distinct_4']:.3f}; "
            f"copied {stats['copied']:.1%}; {stats['mean_chars']:.1f} chars")
    return text if coverage is None else text + f"; its nats/char on held-out lines {coverage:.3f}"


def evaluate(model: nn.Module, device: torch.device, judges: dict[str, nn.Module]) -> Evaluation:
    """The GAN's lines next to its pre-trained self, the character LSTM's lines of the same kind and the
    real held-out lines: how they read to the LSTM, distinct 4-grams, copies, length, and coverage."""
    lines = shakespeare_lines(model)
    if lines is None:
        return {}, [("Held-out lines", ANOTHER_TEXT)]
    judge = judges.get("lstm")
    measured = text_gan_metrics(model, lines, device, judge)

    def generated(prefix: str) -> dict:
        return {k.removeprefix(prefix + "samples_"): v for k, v in measured.items() if k.startswith(prefix + "samples_")}

    details = [("GAN: 1000 lines", summary(generated(""), measured["val_nats_per_char"])),
               ("Before adversarial training: 1000 lines",
                summary(generated("pretrained_"), measured["pretrained_val_nats_per_char"])),
               ("Real held-out lines: 1000 lines",
                summary(line_statistics(lines.val[:1000], judge, device, set(lines.train)), None))]
    if judge is not None:
        written = lm_lines(judge, 1000, model.config.max_chars, device, seed=1)
        details.append(("The character LSTM's lines: 1000 lines",
                        summary(line_statistics(written, judge, device, set(lines.train)), None)))
    return measured, details


def probe(model: TextGAN) -> int:
    """One character of a line the generator writes, which has up to max_chars + 1 of them."""
    model.generator(torch.zeros(1, 1, dtype=torch.long))
    return model.config.max_chars + 1


FAMILY = Family(
    name="textgan", title="text GAN", dataset="tiny-shakespeare lines", settings=TextGANTraining,
    architectures=(
        Architecture("textgan", "Text GAN", TextGAN, TextGANConfig, Recipe({
            "epochs": Knob("Pre-training epochs (maximum likelihood, before the GAN)", 0.05, 50.0, 3.0, 0.05,
                           "settings.epochs"),
            "lr": Knob("Learning rate (pre-training)", 1e-5, 0.05, 3e-3, 1e-5, "settings.lr"),
            "batch_size": batch(64, 256),
            "width": hidden("Hidden units", 32, 512, 128),
            "max_seconds": TIME,
        }, config={"embed": 48}, settings={"adversarial_steps": 300, "log_every": 10, "preview_every": 50}),
            bench_seconds=60),
    ),
    train=train, evaluate=evaluate, configure=with_text_vocab,
    metrics=(
        Metric("samples_judge_nats_per_char", "GAN's lines: nats/char under the character LSTM", "{:.3f}",
               headline=True),
        Metric("pretrained_samples_judge_nats_per_char", "Before adversarial training: its lines' nats/char "
                                                         "under the character LSTM", "{:.3f}"),
        Metric("val_nats_per_char", "GAN's nats/char on held-out lines", "{:.3f}", headline=True),
        Metric("pretrained_val_nats_per_char", "Before adversarial training: nats/char on held-out lines",
               "{:.3f}"),
        Metric("samples_distinct_4", "Distinct 4-grams in 1000 of its lines", "{:.3f}", headline=True),
    ),
    score=Score("its lines' nats/char to the LSTM", "{:.2f}",
                lambda checkpoint, device: checkpoint.meta["metrics"]["samples_judge_nats_per_char"]),
    probe=probe,
    tab="Text GAN", text_unit="lines",
)
