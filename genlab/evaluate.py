"""`python -m genlab eval`: every committed checkpoint measured afresh on its test split."""
from pathlib import Path

import torch

from genlab.checkpoint import load_all
from genlab.data import load_mnist
from genlab.device import describe, pick_device
from genlab.metrics import classifier_metrics, vae_metrics

CHECKPOINTS = Path(__file__).resolve().parent.parent / "checkpoints"


def evaluate_classifier(model: torch.nn.Module, device: torch.device) -> list[tuple[str, str, str]]:
    """(metric, stored key, measured value) rows."""
    measured = classifier_metrics(model, load_mnist(train=False), device)
    worst = min(range(10), key=lambda k: measured["per_class_accuracy"][k])
    return [
        ("test accuracy", "test_accuracy", f"{measured['test_accuracy']:.2%}"),
        ("test loss (nats)", "test_loss", f"{measured['test_loss']:.4f}"),
        (f"weakest digit ({worst})", None, f"{measured['per_class_accuracy'][worst]:.2%}"),
    ]


def evaluate_vae(model: torch.nn.Module, device: torch.device) -> list[tuple[str, str, str]]:
    measured = vae_metrics(model, load_mnist(train=False), device)
    return [
        ("test negative ELBO (nats/image)", "test_neg_elbo", f"{measured['test_neg_elbo']:.2f}"),
        ("  reconstruction term", "test_recon", f"{measured['test_recon']:.2f}"),
        ("  KL term", "test_kl", f"{measured['test_kl']:.2f}"),
        ("active latent dimensions (KL > 0.05)", None, str(measured["active_dims"])),
    ]


EVALUATORS = {"classifier": evaluate_classifier, "vae": evaluate_vae}


def main(argv: list[str]) -> None:
    folder = Path(argv[0]) if argv else CHECKPOINTS
    device = pick_device()
    loaded, errors = load_all(folder, device)
    print(f"Quality of the checkpoints in {folder}, measured on the test splits on {describe(device)}\n")
    print("| checkpoint | family | parameters | metric | measured now | stored in metadata |")
    print("|---|---|---|---|---|---|")
    for name, checkpoint in loaded.items():
        meta = checkpoint.meta
        for metric, key, value in EVALUATORS[meta["family"]](checkpoint.model, device):
            stored = meta["metrics"].get(key) if key else None
            stored_text = "" if stored is None else (f"{stored:.2%}" if "accuracy" in key else f"{stored:.4f}")
            print(f"| {name} | {meta['family']} ({meta['arch']}) | {meta['parameters']:,} | {metric} | {value} | "
                  f"{stored_text} |")
    for name, error in errors.items():
        print(f"| {name} | failed to load: {error} | | | | |")
