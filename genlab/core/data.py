"""Datasets under one configurable root (GENLAB_DATA), held in memory as tensors for fast batching."""
import functools
import os
from dataclasses import dataclass
from pathlib import Path

import torch

DEFAULT_ROOT = "data"
SHAKESPEARE_FILE = "tinyshakespeare/input.txt"
SHAKESPEARE_URL = "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"
MNIST_FILES = [
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
]


class DataMissingError(RuntimeError):
    """The data is not on disk and could not be downloaded; the message says what to put where."""


def data_root() -> Path:
    return Path(os.environ.get("GENLAB_DATA", DEFAULT_ROOT)).expanduser()


@dataclass
class ImageSplit:
    """Images as float32 in [0, 1], shape (N, 1, 28, 28), with int64 labels."""

    images: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return len(self.labels)


def _mnist_missing_message(root: Path, reason: str) -> str:
    folder = (root / "MNIST" / "raw").resolve()
    files = ", ".join(MNIST_FILES)
    return (
        f"MNIST is not under {folder} and could not be downloaded ({reason}). "
        f"Put the four MNIST files ({files}, raw or .gz) in that folder, "
        f"or set GENLAB_DATA to a folder that holds MNIST/raw/."
    )


def load_mnist(train: bool, root: Path | None = None, download: bool = True) -> ImageSplit:
    """MNIST through torchvision's loader; downloads on first use where there is internet.

    Read once per process and shared: callers must not modify the tensors in place. (The training
    fork server reads it before forking, so live runs start with it in memory.)
    """
    return _load_mnist(train, (Path(root) if root is not None else data_root()).resolve(), download)


@functools.lru_cache(maxsize=4)
def _load_mnist(train: bool, root: Path, download: bool) -> ImageSplit:
    from torchvision import datasets

    try:
        dataset = datasets.MNIST(root=str(root), train=train, download=False)
    except RuntimeError as not_found:
        if not download:
            raise DataMissingError(_mnist_missing_message(root, "downloads are off")) from not_found
        try:
            dataset = datasets.MNIST(root=str(root), train=train, download=True)
        except Exception as failed:  # no network, a mirror down, a read-only disk: all say the same
            raise DataMissingError(_mnist_missing_message(root, f"{type(failed).__name__}: {failed}")) from failed
    images = dataset.data.unsqueeze(1).float().div_(255.0)
    return ImageSplit(images=images, labels=dataset.targets.long())


def load_shakespeare(root: Path | None = None, download: bool = True) -> str:
    """tiny-shakespeare as one string (1.1M characters); downloads on first use where there is internet."""
    path = (Path(root) if root is not None else data_root()) / SHAKESPEARE_FILE
    if not path.is_file():
        reason = "downloads are off"
        if download:
            try:
                from urllib.request import urlopen

                with urlopen(SHAKESPEARE_URL, timeout=30) as response:
                    text = response.read().decode("utf-8")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            except Exception as failed:  # no network, a read-only disk: the message says what to do
                reason = f"{type(failed).__name__}: {failed}"
        if not path.is_file():
            raise DataMissingError(
                f"tiny-shakespeare is not at {path.resolve()} and could not be downloaded ({reason}). "
                f"Put input.txt from {SHAKESPEARE_URL} there, or set GENLAB_DATA to a folder "
                f"that holds {SHAKESPEARE_FILE}.")
    return path.read_text(encoding="utf-8")
