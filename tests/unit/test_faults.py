"""Faults a public Space meets: more visitors' models than memory holds, the least recently used going
first, with a clear message and everything else working."""
import pytest
import torch

from genlab.core.errors import RequestError
from genlab.families import ARCHITECTURES, family_of
from genlab.serve.lab import Lab
from genlab.serve.shelf import Shelf, model_bytes
from tests.helpers import CHECKPOINTS


def live_run(name: str, **changes) -> tuple:
    """(config, settings) of a Train-tab run of this architecture: its recipe's defaults, some changed."""
    architecture = ARCHITECTURES[name]
    return family_of(name).build(architecture, {**architecture.recipe.defaults(), **changes})




def test_visitors_models_stay_within_the_memory_budget_least_recently_used_going_first(tmp_path):
    """However many visitors upload or train models, those kept in memory stay within the budget: the
    models of whoever used theirs least recently go (files too), and that visitor is told why."""
    files = {name: (CHECKPOINTS / name).read_bytes() for name in ("cnn.safetensors", "cnn.json")}
    shelf = Shelf(root=tmp_path, device=torch.device("cpu"))
    shelf.budget = int(2.5 * model_bytes(shelf.add_upload("ann", files)))  # room for two CNNs
    shelf.add_upload("bob", files)
    assert shelf.model("ann", "classifier") is not None  # ann uses hers: bob's is now the least recent
    shelf.add_upload("cy", files)
    assert shelf.model("bob", "classifier") is None and shelf.was_set_aside("bob")
    assert not (tmp_path / "bob").exists(), "bob's files went with his model"
    assert shelf.model("cy", "classifier") is not None and shelf.model("ann", "classifier") is not None

    lab = Lab(torch.device("cpu"), checkpoints={}, errors={}, shelf=shelf)
    with pytest.raises(RequestError, match="Your models were removed to make room for other visitors'"):
        lab.checkpoint("mine", "classifier", "bob")

    shelf.add_upload("bob", files)  # bob comes back; cy, now the least recent, makes room
    assert shelf.model("bob", "classifier") is not None and not shelf.was_set_aside("bob")
    assert shelf.was_set_aside("cy") and shelf.model("ann", "classifier") is not None
