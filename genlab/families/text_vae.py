"""The sentence VAE: lines of verse to codes and back (the Sentences tab)."""
import torch
from torch import nn

from genlab.core.corpus import ANOTHER_TEXT, training_text
from genlab.core.lines import shakespeare_lines, split_lines, with_text_vocab
from genlab.families.base import Architecture, Evaluation, Family, Metric, Score
from genlab.families.recipes import TIME, Knob, Recipe, batch, epochs, hidden, lr
from genlab.measure.judges import no_latent_baselines
from genlab.measure.metrics import text_vae_metrics
from genlab.models.text_vae import TextVAE, TextVAEConfig
from genlab.train.loop import Stop
from genlab.train.text_vae import TextVAETraining, train_text_vae


def train(model: nn.Module, settings: TextVAETraining, device: torch.device, stop: Stop | None = None):
    lines = split_lines(training_text(settings), model.config.max_chars)
    return train_text_vae(model, lines, settings, device, no_latent_baselines(device), stop)


def evaluate(model: nn.Module, device: torch.device, judges: dict[str, nn.Module]) -> Evaluation:
    lines = shakespeare_lines(model)
    if lines is None:
        return {}, [("Held-out lines", ANOTHER_TEXT)]
    baselines = {"lstm": judges["lstm"]} if "lstm" in judges else {}
    if "textgan" in judges:
        baselines["line_lstm"] = judges["textgan"].pretrained
    return text_vae_metrics(model, lines.val, device, baselines), [("Held-out lines", f"{len(lines.val):,}")]


def probe(model: TextVAE) -> int:
    """One character decoded, of the longest line the Sentences tab reads (twice the training lines')."""
    model.decode_logits(torch.zeros(1, model.config.latent), torch.zeros(1, 1, dtype=torch.long))
    return 2 * model.config.max_chars + 1


FAMILY = Family(
    name="textvae", title="sentence VAE", dataset="tiny-shakespeare lines", settings=TextVAETraining,
    architectures=(
        Architecture("textvae", "Sentence VAE", TextVAE, TextVAEConfig, Recipe({
            "epochs": epochs(3.0, 50.0), "lr": lr(3e-3), "batch_size": batch(64, 256),
            "width": hidden("Hidden units", 32, 512, 128),
            "latent": Knob("Latent dimensions", 2, 64, 16, 1, "config.latent"),
            "beta": Knob("Beta (weight of the KL term)", 0.1, 10.0, 1.0, 0.1, "settings.beta"),
            "max_seconds": TIME,
        }, config={"embed": 48}, settings={"log_every": 10, "evals_per_epoch": 4.0, "eval_lines": 300,
                                           "kl_warmup_steps": 300}), bench_seconds=60),
    ),
    train=train, evaluate=evaluate, configure=with_text_vocab,
    metrics=(
        Metric("val_neg_elbo", "Held-out negative ELBO (nats/line)", "{:.4g}", headline=True),
        Metric("val_recon", "  reconstruction term", "{:.4g}"),
        Metric("val_kl", "  KL term (nats/line; a collapsed posterior has ~0)", "{:.4g}", headline=True),
        Metric("val_recon_at_mean", "Reconstruction from the posterior mean", "{:.4g}"),
        Metric("val_recon_other_code", "Reconstruction given another line's code", "{:.4g}"),
        Metric("active_dims", "Active latent dimensions", "{}"),
        Metric("exact_reconstructions", "Lines rebuilt exactly (greedy, posterior mean)", "{:.2%}", headline=True),
        Metric("no_latent_line_lstm", "No-latent baseline, nats/line: an LSTM trained on the same lines "
                                      "(the text GAN's pre-trained generator)", "{:.4g}"),
        Metric("no_latent_lstm", "No-latent baseline, nats/line: the character LSTM (whole text)", "{:.4g}"),
    ),
    score=Score("held-out negative ELBO (nats/line)", "{:.1f}",
                lambda checkpoint, device: checkpoint.meta["metrics"]["val_neg_elbo"]),
    probe=probe,
    tab="Sentences", text_unit="lines",
)
