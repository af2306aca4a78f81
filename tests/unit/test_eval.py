"""`python -m genlab eval`'s first promise, as someone checking a new machine or a new PyTorch: every
committed checkpoint loads."""
import pytest

from genlab.models.loading import load_all
from tests.helpers import CHECKPOINTS


@pytest.mark.smoke
def test_every_committed_checkpoint_loads():
    loaded, errors = load_all(CHECKPOINTS)
    assert errors == {}
    assert sorted(loaded) == sorted(p.stem for p in CHECKPOINTS.glob("*.safetensors"))


