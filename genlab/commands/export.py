"""`python -m genlab export [NAME ...] [--out DIR]`: the ONNX graphs the page runs (the image models and the
character LSTM) as files (genlab.serve.export): NAME.onnx, and NAME.PART.onnx for each other part (a VAE's
encoder, a GAN's judge, a classifier's explainer)."""
import argparse
from pathlib import Path

import torch

from genlab.core.checkpoint import checkpoint_dir
from genlab.models.loading import load_all
from genlab.serve.export import MODEL, exportable, parts_of, to_onnx


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m genlab export",
                                     description="ONNX graphs of the models the browser runs (the image models, the character LSTM).")
    parser.add_argument("names", nargs="*", help="checkpoint names (default: every model the page runs)")
    parser.add_argument("--checkpoints", type=Path, default=checkpoint_dir())
    parser.add_argument("--out", type=Path, default=Path("onnx"))
    args = parser.parse_args(argv)
    checkpoints, errors = load_all(args.checkpoints, torch.device("cpu"))
    names = args.names or [name for name, checkpoint in checkpoints.items() if exportable(checkpoint)]
    args.out.mkdir(parents=True, exist_ok=True)
    for name in names:
        if name not in checkpoints:
            raise SystemExit(errors.get(name, f"no checkpoint named {name!r} in {args.checkpoints}"))
        for part in parts_of(checkpoints[name]):
            path = args.out / (f"{name}.onnx" if part == MODEL else f"{name}.{part}.onnx")
            path.write_bytes(to_onnx(checkpoints[name], part))
            print(f"wrote {path} ({path.stat().st_size / 2**20:.1f} MB)")
