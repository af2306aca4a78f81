"""Where the data and the compute come from, and what a person is told when they are missing."""
import pytest
import torch

from genlab.core.data import DataMissingError, data_root, load_mnist
from genlab.core.device import describe, pick_device


def test_mnist_loads_from_the_configured_root(mnist_test):
    assert data_root().joinpath("MNIST", "raw").is_dir()
    assert mnist_test.images.shape == (10_000, 1, 28, 28) and mnist_test.labels.shape == (10_000,)
    assert 0.0 <= mnist_test.images.min() and mnist_test.images.max() <= 1.0
    assert torch.bincount(mnist_test.labels).tolist()[:3] == [980, 1135, 1032]  # the real test split


def test_missing_mnist_offline_says_which_files_go_in_which_folder(tmp_path):
    with pytest.raises(DataMissingError) as error:
        load_mnist(train=False, root=tmp_path, download=False)
    message = str(error.value)
    assert str((tmp_path / "MNIST" / "raw").resolve()) in message
    for name in ("train-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        assert name in message
    assert "GENLAB_DATA" in message


def test_the_device_can_be_chosen_and_is_described(monkeypatch):
    monkeypatch.setenv("GENLAB_DEVICE", "cpu")
    device = pick_device()
    assert device.type == "cpu"
    assert "cpu" in describe(device) and "threads" in describe(device)
    if not torch.cuda.is_available():
        monkeypatch.setenv("GENLAB_DEVICE", "cuda")
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            pick_device()
