"""A checkpoint saved by genlab loads back exactly; a broken one fails loudly, naming the file."""
import json
from pathlib import Path

import pytest
import torch

from genlab.core.checkpoint import CheckpointError, save_checkpoint
from genlab.models.classifier import CNN, CNNConfig
from genlab.models.loading import load_all, load_checkpoint
from tests.helpers import ROOT


@pytest.fixture
def saved(tmp_path):
    torch.manual_seed(0)
    model = CNN(CNNConfig(channels=(8, 16), hidden=32)).eval()
    save_checkpoint(model, tmp_path / "small", training={"epochs": 1}, dataset="MNIST",
                    metrics={"test_accuracy": 0.5})
    return model, tmp_path / "small"


def test_a_saved_model_loads_back_with_the_same_answers_and_metadata(saved):
    model, path = saved
    loaded = load_checkpoint(path.with_suffix(".safetensors"))
    images = torch.rand(4, 1, 28, 28)
    assert torch.equal(loaded.model(images), model(images))
    assert loaded.meta["arch"] == "cnn" and loaded.meta["config"]["channels"] == [8, 16]
    assert loaded.meta["metrics"] == {"test_accuracy": 0.5}
    assert loaded.meta["parameters"] == sum(p.numel() for p in model.parameters())
    assert not loaded.model.training


def break_weights(path: Path, how: str) -> None:
    weights = path.with_suffix(".safetensors")
    data = weights.read_bytes()
    weights.write_bytes({"truncated": data[: len(data) // 2], "garbage": b"\x00garbage" * 100, "empty": b""}[how])


@pytest.mark.parametrize("how", ["truncated", "garbage", "empty"])
def test_a_truncated_or_garbage_weights_file_is_named_in_the_error(saved, how):
    _, path = saved
    break_weights(path, how)
    with pytest.raises(CheckpointError, match=r"small\.safetensors.*(truncated|corrupt)"):
        load_checkpoint(path)


def test_missing_files_are_named(saved):
    _, path = saved
    path.with_suffix(".safetensors").unlink()
    with pytest.raises(CheckpointError, match=r"small\.safetensors: weights file is missing"):
        load_checkpoint(path)
    path.with_suffix(".json").unlink()
    with pytest.raises(CheckpointError, match=r"small\.json: metadata file is missing"):
        load_checkpoint(path)


@pytest.mark.parametrize("edit, message", [
    (lambda meta: meta["config"].update(channels=[8, 32]), r"has shape .* the architecture needs"),
    (lambda meta: meta["config"].update(channels="wide"), r"config 'channels' has the wrong type"),
    (lambda meta: meta["config"].update(depth=3), r"unknown config keys \['depth'\]"),
    (lambda meta: meta.update(arch="transformer"), r"unknown architecture 'transformer'"),
    (lambda meta: meta.update(family="gan"), r"family 'gan' does not match"),
    (lambda meta: meta.update(format="something else"), r"not a genlab checkpoint"),
])
def test_metadata_that_does_not_match_the_weights_is_refused(saved, edit, message):
    _, path = saved
    meta_path = path.with_suffix(".json")
    meta = json.loads(meta_path.read_text())
    edit(meta)
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(CheckpointError, match=message) as error:
        load_checkpoint(path)
    assert "small." in str(error.value)


def test_metadata_that_is_not_json_is_refused(saved):
    _, path = saved
    path.with_suffix(".json").write_bytes(b"\xff\xfe{not json")
    with pytest.raises(CheckpointError, match=r"small\.json: not valid JSON"):
        load_checkpoint(path)


def test_non_finite_weights_are_refused(saved):
    model, path = saved
    with torch.no_grad():
        model.head[-1].bias[0] = float("nan")
    save_checkpoint(model, path, training={}, dataset="MNIST", metrics={})
    with pytest.raises(CheckpointError, match="NaN or infinite"):
        load_checkpoint(path)


def test_one_broken_checkpoint_in_a_folder_does_not_stop_the_others(saved, tmp_path):
    model, path = saved
    save_checkpoint(model, tmp_path / "good", training={}, dataset="MNIST", metrics={})
    break_weights(path, "truncated")
    loaded, errors = load_all(tmp_path)
    assert list(loaded) == ["good"]
    assert list(errors) == ["small"] and "small.safetensors" in errors["small"]


def test_nothing_in_genlab_ever_unpickles():
    sources = [p.read_text() for p in (ROOT / "genlab").rglob("*.py")] + [(ROOT / "app.py").read_text()]
    sources += [p.read_text() for p in (ROOT / "ui").rglob("*.py")]
    for forbidden in ("torch.load(", "import pickle", "pickle.load"):
        assert not any(forbidden in source for source in sources), forbidden
