"""The committed models that measure other models: the CNN reads generated digits (FID, class
histograms, legibility) and the character LSTM reads generated lines. They are loaded from the
folder the app reads its checkpoints from, so a deployment with its own checkpoints is judged by them."""
import functools

import torch
from torch import nn

from genlab.core.checkpoint import CheckpointError, checkpoint_dir
from genlab.models.loading import load_checkpoint


@functools.cache
def digit_reader(device: torch.device) -> nn.Module:
    """The committed CNN; a run or evaluation that needs it fails with the loader's message without it.
    One per device and process (it is only ever read), so the features it computed of the test digits
    are computed once (genlab.measure.metrics.reference_features): a training process forked from the
    fork server that preloaded them (genlab.serve.preload) starts with them."""
    model = load_checkpoint(checkpoint_dir() / "cnn", device).model
    # On the CPU, weights in channels-last order, the layout its convolutions read fastest (every FID
    # reads 10,000 digits), with the same readings and features to the digits eval prints.
    return model.to(memory_format=torch.channels_last) if device.type == "cpu" else model


def line_judge(device: torch.device) -> nn.Module | None:
    """The committed character LSTM, which scores lines without any latent code; None if it is missing."""
    try:
        return load_checkpoint(checkpoint_dir() / "lstm", device).model
    except CheckpointError:  # a missing or broken LSTM only costs the comparison, never the run
        return None


def no_latent_baselines(device: torch.device) -> dict[str, nn.Module]:
    """Character LMs that read a line with no code: the committed LSTM (whole text, in context) and the
    text GAN's pre-trained generator (the same lines, a decoder of the VAE's size), where they load."""
    baselines = {"lstm": line_judge(device)}
    try:
        baselines["line_lstm"] = load_checkpoint(checkpoint_dir() / "textgan", device).model.pretrained
    except CheckpointError:  # as above: only the comparison is lost
        pass
    return {name: model for name, model in baselines.items() if model is not None}
