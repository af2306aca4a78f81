"""A checkpoint turned back into a model: the architecture its metadata names, built with its config,
filled with its validated weights. It reads the format of genlab.core.checkpoint and the networks of
this package only, so everything above (the families, the judges, the server) can load a model
without an import running back up."""
from pathlib import Path
from typing import Any, Callable

import torch
from torch import nn

from genlab.core.checkpoint import (
    MAX_CHECKPOINT_BYTES,
    Checkpoint,
    CheckpointError,
    checkpoint_paths,
    config_from_dict,
    load_weights,
    read_meta,
)
from genlab.models.classifier import CNN, MLP, CNNConfig, MLPConfig
from genlab.models.gan import CDCGAN, DCGAN, MLPGAN, CDCGANConfig, DCGANConfig, MLPGANConfig
from genlab.models.lstm import CharLSTM, CharLSTMConfig
from genlab.models.text_gan import TextGAN, TextGANConfig
from genlab.models.text_vae import TextVAE, TextVAEConfig
from genlab.models.vae import VAE, VAEConfig

# Every network a checkpoint can name, by its `arch`, with its config dataclass.
NETWORKS: dict[str, tuple[type[nn.Module], type]] = {model.arch: (model, config) for model, config in (
    (MLP, MLPConfig), (CNN, CNNConfig), (VAE, VAEConfig), (MLPGAN, MLPGANConfig), (DCGAN, DCGANConfig),
    (CDCGAN, CDCGANConfig), (CharLSTM, CharLSTMConfig), (TextVAE, TextVAEConfig), (TextGAN, TextGANConfig),
)}

Refusal = Callable[[str, Any], str]  # (arch, config) -> why the app will not build it, "" when it will


def build_model(meta: dict[str, Any], where: str, refuse: Refusal | None = None) -> nn.Module:
    """The model a metadata record describes, with fresh weights. `refuse` (for a visitor's upload, the
    families' size limit) is asked before anything is allocated."""
    name = meta.get("arch")
    if name not in NETWORKS:
        raise CheckpointError(f"{where}: unknown architecture {name!r}; known: {sorted(NETWORKS)}")
    model_class, config_class = NETWORKS[name]
    if meta.get("family") != model_class.family:
        raise CheckpointError(f"{where}: family {meta.get('family')!r} does not match "
                              f"architecture {name!r} ({model_class.family})")
    config = config_from_dict(config_class, meta.get("config", {}), where)
    try:
        refusal = refuse(name, config) if refuse is not None else ""
        model = None if refusal else model_class(config)
    except (ValueError, RuntimeError, TypeError) as err:  # a config the architecture itself refuses
        raise CheckpointError(f"{where}: its config does not make a {name} ({err})") from err
    if refusal:
        raise CheckpointError(f"{where}: {refusal}")
    return model


def load_checkpoint(path: str | Path, device: torch.device | str = "cpu", refuse: Refusal | None = None) -> Checkpoint:
    """Load and validate a checkpoint from its stem or either file; the model comes back in eval mode.
    `refuse` for a checkpoint a stranger sent: its config must make a model the app allows."""
    weights_path, meta_path = checkpoint_paths(path)
    meta = read_meta(meta_path)
    model = build_model(meta, str(meta_path), refuse)
    if not weights_path.is_file():
        raise CheckpointError(f"{weights_path}: weights file is missing")
    if weights_path.stat().st_size > MAX_CHECKPOINT_BYTES:
        raise CheckpointError(f"{weights_path}: larger than the {MAX_CHECKPOINT_BYTES >> 20} MB cap")
    load_weights(model, weights_path.read_bytes(), str(weights_path))
    return Checkpoint(model=model.to(device).eval(), meta=meta, path=weights_path)


def load_all(folder: str | Path, device: torch.device | str = "cpu") -> tuple[dict[str, Checkpoint], dict[str, str]]:
    """Every checkpoint in a folder by name, and an error message for each one that failed to load."""
    loaded, errors = {}, {}
    for meta_path in sorted(Path(folder).glob("*.json")):
        try:
            loaded[meta_path.stem] = load_checkpoint(meta_path, device)
        except CheckpointError as err:
            errors[meta_path.stem] = str(err)
    return loaded, errors
