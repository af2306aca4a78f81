"""`python -m genlab eval [folder] [--store]`: every checkpoint measured afresh on its test split.

--store writes what was measured into each checkpoint's metadata (for metrics a checkpoint was
trained without, such as a VAE's FID); the weights are never touched.
"""
from pathlib import Path

import torch

from genlab.checkpoint import load_all, store_metrics
from genlab.data import load_mnist, load_shakespeare
from genlab.device import describe, pick_device
from genlab.lines import Lines, line_statistics, lm_lines, split_lines
from genlab.metrics import classifier_metrics, lstm_metrics, sample_quality, text_vae_metrics, vae_metrics
from genlab.text import split_corpus
from genlab.train.gan import gan_metrics
from genlab.train.text_gan import text_gan_metrics

CHECKPOINTS = Path(__file__).resolve().parent.parent / "checkpoints"


Row = tuple[str, str | None, str]  # metric, key stored in the metadata (if any), value measured now
Evaluation = tuple[list[Row], dict]  # table rows, and every raw measurement


def evaluate_classifier(model: torch.nn.Module, device: torch.device, judges: dict) -> Evaluation:
    measured = classifier_metrics(model, load_mnist(train=False), device)
    worst = min(range(10), key=lambda k: measured["per_class_accuracy"][k])
    return [
        ("test accuracy", "test_accuracy", f"{measured['test_accuracy']:.2%}"),
        ("test loss (nats)", "test_loss", f"{measured['test_loss']:.4g}"),
        (f"weakest digit ({worst})", None, f"{measured['per_class_accuracy'][worst]:.2%}"),
    ], measured


def evaluate_vae(model: torch.nn.Module, device: torch.device, judges: dict) -> Evaluation:
    test = load_mnist(train=False)
    measured = vae_metrics(model, test, device)
    with torch.no_grad():
        z = torch.randn(len(test), model.config.latent, generator=torch.Generator().manual_seed(1))
        samples = torch.cat([model.decode(z[i:i + 1000].to(device)).cpu() for i in range(0, len(z), 1000)])
    quality = sample_quality(samples, judges["cnn"], test)
    return [
        ("test negative ELBO (nats/image)", "test_neg_elbo", f"{measured['test_neg_elbo']:.4g}"),
        ("  reconstruction term", "test_recon", f"{measured['test_recon']:.4g}"),
        ("  KL term", "test_kl", f"{measured['test_kl']:.4g}"),
        ("active latent dimensions (KL > 0.05)", None, str(measured["active_dims"])),
        ("FID of 10k prior samples (our CNN's features)", "fid", f"{quality['fid']:.4g}"),
    ], {**measured, **quality}


def evaluate_gan(model: torch.nn.Module, device: torch.device, judges: dict) -> Evaluation:
    measured = gan_metrics(model, judges["cnn"], load_mnist(train=True), load_mnist(train=False))
    histogram = " ".join(f"{d}:{share:.0%}" for d, share in enumerate(measured["class_histogram"]))
    rows = [
        ("FID, 10k samples vs 10k test images (our CNN's features)", "fid", f"{measured['fid']:.4g}"),
        ("FID floor: 10k training vs test images", "fid_floor_train_vs_test",
         f"{measured['fid_floor_train_vs_test']:.4g}"),
        ("digits as the CNN reads the samples", None, histogram),
    ]
    if "requested_digit_accuracy" in measured:
        worst = min(range(10), key=lambda d: measured["per_class_requested_accuracy"][d])
        rows += [("samples read as the digit asked for", "requested_digit_accuracy",
                  f"{measured['requested_digit_accuracy']:.2%}"),
                 (f"  weakest digit ({worst})", None, f"{measured['per_class_requested_accuracy'][worst]:.2%}")]
    return rows, measured


def evaluate_lstm(model: torch.nn.Module, device: torch.device, judges: dict) -> Evaluation:
    """Loss on the held-out last 10% of tiny-shakespeare, every character predicted in context."""
    corpus = split_corpus(load_shakespeare())
    if corpus.vocab != model.config.vocab:
        return [("validation loss", None, "trained on another text: no tiny-shakespeare figure")], {}
    measured = lstm_metrics(model, corpus.val, device)
    return [
        (f"validation loss (nats/char), last {len(corpus.val):,} characters", "val_loss",
         f"{measured['val_loss']:.4g}"),
        ("  bits per character", "val_bits_per_char", f"{measured['val_bits_per_char']:.4g}"),
    ], measured


def shakespeare_lines(model: torch.nn.Module) -> Lines | None:
    """The held-out tiny-shakespeare lines, or None for a line model trained on another text."""
    lines = split_lines(load_shakespeare(), model.config.max_chars)
    return lines if lines.vocab == model.config.vocab else None


def evaluate_text_vae(model: torch.nn.Module, device: torch.device, judges: dict) -> Evaluation:
    lines = shakespeare_lines(model)
    if lines is None:
        return [("held-out lines", None, "trained on another text: no tiny-shakespeare figure")], {}
    baselines = {"lstm": judges["lstm"]} if "lstm" in judges else {}
    if "textgan" in judges:
        baselines["line_lstm"] = judges["textgan"].pretrained
    measured = text_vae_metrics(model, lines.val, device, baselines)
    rows = [
        (f"negative ELBO (nats/line), {len(lines.val):,} held-out lines", "val_neg_elbo",
         f"{measured['val_neg_elbo']:.4g}"),
        ("  reconstruction term", "val_recon", f"{measured['val_recon']:.4g}"),
        ("  KL term (a collapsed posterior has ~0)", "val_kl", f"{measured['val_kl']:.4g}"),
        ("reconstruction from the posterior mean", "val_recon_at_mean", f"{measured['val_recon_at_mean']:.4g}"),
        ("reconstruction given another line's code", "val_recon_other_code", f"{measured['val_recon_other_code']:.4g}"),
        ("active latent dimensions", "active_dims", str(measured["active_dims"])),
        ("lines rebuilt exactly (greedy, posterior mean)", "exact_reconstructions",
         f"{measured['exact_reconstructions']:.2%}"),
    ]
    for key, who in (("no_latent_line_lstm", "an LSTM trained on the same lines (the text GAN's pre-trained "
                                             "generator)"),
                     ("no_latent_lstm", "the character LSTM (whole text)")):
        if key in measured:
            rows.append((f"no-latent baseline, nats/line: {who}", key, f"{measured[key]:.4g}"))
    return rows, measured


def evaluate_text_gan(model: torch.nn.Module, device: torch.device, judges: dict) -> Evaluation:
    """The GAN's lines next to its pre-trained self, the character LSTM's lines of the same kind and the
    real held-out lines: how they read to the LSTM, distinct 4-grams, copies, length, and coverage."""
    lines = shakespeare_lines(model)
    if lines is None:
        return [("held-out lines", None, "trained on another text: no tiny-shakespeare figure")], {}
    judge = judges.get("lstm")
    measured = text_gan_metrics(model, lines, device, judge)
    references = {"real held-out lines": line_statistics(lines.val[:1000], judge, device, set(lines.train))}
    if judge is not None:
        written = lm_lines(judge, 1000, model.config.max_chars, device, seed=1)
        references["the character LSTM's lines"] = line_statistics(written, judge, device, set(lines.train))
    rows = []
    def generator(prefix: str) -> dict:
        return {k.removeprefix(prefix + "samples_"): v for k, v in measured.items() if k.startswith(prefix + "samples_")}

    for who, stats, coverage in (("GAN", generator(""), measured["val_nats_per_char"]),
                                 ("before adversarial training", generator("pretrained_"),
                                  measured["pretrained_val_nats_per_char"]),
                                 *((who, stats, None) for who, stats in references.items())):
        judged = f"{stats['judge_nats_per_char']:.3f}" if "judge_nats_per_char" in stats else "no judge"
        summary = (f"{judged} nats/char to the LSTM; distinct 4-grams {stats['distinct_4']:.3f}; "
                   f"copied {stats['copied']:.1%}; {stats['mean_chars']:.1f} chars")
        if coverage is not None:
            summary += f"; its nats/char on held-out lines {coverage:.3f}"
        key = {"GAN": "samples_judge_nats_per_char",
               "before adversarial training": "pretrained_samples_judge_nats_per_char"}.get(who)
        rows.append((f"{who}: 1000 lines", key, summary))
    return rows, measured


EVALUATORS = {"classifier": evaluate_classifier, "vae": evaluate_vae, "gan": evaluate_gan, "lstm": evaluate_lstm,
              "textvae": evaluate_text_vae, "textgan": evaluate_text_gan}


def main(argv: list[str]) -> None:
    store = "--store" in argv
    folders = [a for a in argv if a != "--store"]
    folder = Path(folders[0]) if folders else CHECKPOINTS
    device = pick_device()
    loaded, errors = load_all(folder, device)
    if "cnn" not in loaded:
        raise SystemExit(f"the CNN checkpoint in {folder} is needed: it measures the generated samples")
    judges = {name: loaded[name].model for name in ("cnn", "lstm", "textgan") if name in loaded}
    print(f"Quality of the checkpoints in {folder}, measured on the test splits on {describe(device)}\n")
    print("| checkpoint | family | parameters | metric | measured now | stored in metadata |")
    print("|---|---|---|---|---|---|")
    for name, checkpoint in loaded.items():
        meta = checkpoint.meta
        rows, measured = EVALUATORS[meta["family"]](checkpoint.model, device, judges)
        for metric, key, value in rows:
            stored = meta["metrics"].get(key) if key else None
            stored_text = "" if stored is None else (f"{stored:.2%}" if value.endswith("%") else f"{stored:.4g}")
            print(f"| {name} | {meta['family']} ({meta['arch']}) | {meta['parameters']:,} | {metric} | {value} | "
                  f"{stored_text} |")
        if store:
            store_metrics(checkpoint, measured)
    for name, error in errors.items():
        print(f"| {name} | failed to load: {error} | | | | |")
