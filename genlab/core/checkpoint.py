"""The checkpoint format: safetensors weights beside a JSON file of metadata, for every family.

`name.safetensors` holds the tensors and nothing executable; `name.json` holds the family, the
architecture name and config, the training settings, the dataset and the metrics measured on the
test split. Reading validates all of it and names the file in every error. Nothing is unpickled.
This is the ground floor: it knows no architecture; genlab.models.loading builds the model a file names.
"""
import dataclasses
import json
import math
import os
import reprlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_tensors_from_bytes
from safetensors.torch import save_file
from torch import nn

FORMAT = "genlab-checkpoint"
FORMAT_VERSION = 1
MAX_CHECKPOINT_BYTES = 200 * 1024 * 1024
MAX_CONFIG_LIST = 16  # entries in a config's list (layer widths): every architecture uses two or three
COMMITTED = Path(__file__).resolve().parents[2] / "checkpoints"


def checkpoint_dir() -> Path:
    """The folder of pretrained checkpoints: GENLAB_CHECKPOINTS, else the committed ones. The app, the
    judges that measure live runs, eval and bench all read it."""
    return Path(os.environ.get("GENLAB_CHECKPOINTS") or COMMITTED)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


class CheckpointError(ValueError):
    """A checkpoint that is missing, truncated, corrupt or does not match its architecture."""


@dataclass
class Checkpoint:
    model: nn.Module
    meta: dict[str, Any]
    path: Path


def checkpoint_paths(path: str | Path) -> tuple[Path, Path]:
    """The (weights, metadata) pair for a stem or for either of the two files."""
    path = Path(path)
    stem = path.with_suffix("") if path.suffix in (".safetensors", ".json") else path
    return stem.with_name(stem.name + ".safetensors"), stem.with_name(stem.name + ".json")


def config_to_dict(config: Any) -> dict[str, Any]:
    return {f.name: list(v) if isinstance(v := getattr(config, f.name), tuple) else v
            for f in dataclasses.fields(config)}


def config_from_dict(config_class: type, values: Any, where: str) -> Any:
    """Build a config dataclass from JSON, refusing unknown keys and values of the wrong type."""
    if not isinstance(values, dict):
        raise CheckpointError(f"{where}: 'config' must be an object, got {type(values).__name__}")
    fields = {f.name: f for f in dataclasses.fields(config_class)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise CheckpointError(f"{where}: unknown config keys {unknown} for {config_class.__name__}")
    defaults = config_class()
    checked = {}
    for name, value in values.items():
        default = getattr(defaults, name)
        if isinstance(default, tuple):
            if isinstance(value, list) and len(value) > MAX_CONFIG_LIST:
                raise CheckpointError(f"{where}: config '{name}' has {len(value):,} entries; at most {MAX_CONFIG_LIST}")
            ok = isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            value = tuple(value) if ok else value
        elif isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, int):
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif isinstance(default, float):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            value = float(value) if ok else value
        else:
            ok = isinstance(value, type(default))
        if not ok:
            raise CheckpointError(f"{where}: config '{name}' has the wrong type or value: {reprlib.repr(value)}")
        checked[name] = value
    return config_class(**checked)


def save_checkpoint(model: nn.Module, path: str | Path, *, training: dict, dataset: str,
                    metrics: dict, extra: dict | None = None) -> tuple[Path, Path]:
    """Write name.safetensors and name.json; returns both paths."""
    weights_path, meta_path = checkpoint_paths(path)
    weights_path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().to("cpu").contiguous() for k, v in model.state_dict().items()}
    save_file(tensors, str(weights_path))
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "family": model.family,
        "arch": model.arch,
        "config": config_to_dict(model.config),
        "parameters": count_parameters(model),
        "training": training,
        "dataset": dataset,
        "metrics": metrics,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **(extra or {}),
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    return weights_path, meta_path


def read_meta(meta_path: Path) -> dict[str, Any]:
    if not meta_path.is_file():
        raise CheckpointError(f"{meta_path}: metadata file is missing")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{meta_path}: not valid JSON metadata ({err})") from err
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"{meta_path}: not a genlab checkpoint (no \"format\": \"{FORMAT}\")")
    if meta.get("format_version") != FORMAT_VERSION:
        raise CheckpointError(f"{meta_path}: format_version {meta.get('format_version')!r}, "
                              f"this genlab reads {FORMAT_VERSION}")
    return meta


def load_weights(model: nn.Module, weights: bytes, where: str) -> None:
    """Copy tensors into the model after checking names, shapes and that every value is finite."""
    try:
        tensors = load_tensors_from_bytes(weights)
    except (SafetensorError, ValueError, OSError) as err:
        raise CheckpointError(f"{where}: not a readable safetensors file, truncated or corrupt ({err})") from err
    expected = model.state_dict()
    missing = sorted(set(expected) - set(tensors))
    unexpected = sorted(set(tensors) - set(expected))
    if missing or unexpected:
        raise CheckpointError(f"{where}: tensors do not match the architecture "
                              f"(missing {missing[:5]}, unexpected {unexpected[:5]})")
    for name, tensor in tensors.items():
        if tensor.shape != expected[name].shape:
            raise CheckpointError(f"{where}: tensor '{name}' has shape {tuple(tensor.shape)}, "
                                  f"the architecture needs {tuple(expected[name].shape)}")
        if tensor.is_floating_point() and not torch.isfinite(tensor).all():
            raise CheckpointError(f"{where}: tensor '{name}' holds NaN or infinite values")
    model.load_state_dict(tensors)


def store_metrics(checkpoint: Checkpoint, metrics: dict) -> None:
    """Merge newly measured metrics into a checkpoint's metadata file."""
    _, meta_path = checkpoint_paths(checkpoint.path)
    checkpoint.meta["metrics"] = {**checkpoint.meta.get("metrics", {}), **metrics}
    meta_path.write_text(json.dumps(checkpoint.meta, indent=2) + "\n")
