"""`python -m genlab eval [folder] [--store]`: every checkpoint measured afresh on its test split,
each figure beside the one stored in its metadata, labelled and printed as its family says.

--store writes what was measured into each checkpoint's metadata (for metrics a checkpoint was
trained without, such as a VAE's FID); the weights are never touched.
"""
import os
from pathlib import Path

from genlab.core.checkpoint import checkpoint_dir, store_metrics
from genlab.core.device import describe, pick_device
from genlab.families import FAMILIES
from genlab.models.loading import load_all

JUDGES = ("cnn", "lstm", "textgan")  # the checkpoints that measure the others, when in the folder


def shown_folder(folder: Path) -> str:
    """The folder as the table prints it: relative to the working directory when inside it, so a
    table pasted into the README names no path of the machine that made it."""
    relative = os.path.relpath(folder.resolve())
    return folder.name if relative.startswith("..") else relative


def main(argv: list[str]) -> None:
    store = "--store" in argv
    folders = [a for a in argv if a != "--store"]
    folder = Path(folders[0]) if folders else checkpoint_dir()
    device = pick_device()
    loaded, errors = load_all(folder, device)
    if "cnn" not in loaded:
        raise SystemExit(f"the CNN checkpoint in {shown_folder(folder)} is needed: it measures the generated samples")
    judges = {name: loaded[name].model for name in JUDGES if name in loaded}
    print(f"Quality of the checkpoints in {shown_folder(folder)}, measured on the test splits on {describe(device)}\n")
    print("| checkpoint | family | parameters | metric | measured now | stored in metadata |")
    print("|---|---|---|---|---|---|")
    for name, checkpoint in loaded.items():
        meta = checkpoint.meta
        family = FAMILIES[meta["family"]]
        measured, details = family.evaluate(checkpoint.model, device, judges)
        what = f"| {name} | {family.name} ({meta['arch']}) | {meta['parameters']:,} |"
        for metric in family.metrics:
            if metric.key in measured:
                stored = meta["metrics"].get(metric.key)
                print(f"{what} {metric.label} | {metric.show(measured[metric.key])} | "
                      f"{'' if stored is None else metric.show(stored)} |")
        for label, value in details:
            print(f"{what} {label} | {value} | |")
        if store:
            store_metrics(checkpoint, measured)
    for name, error in errors.items():
        print(f"| {name} | failed to load: {error} | | | | |")
