"""The committed VAEs are as good as their cards say: their ELBO measured afresh on the real test set."""
import pytest
import torch

from genlab.measure.metrics import vae_metrics
from genlab.models.loading import load_checkpoint
from tests.helpers import CHECKPOINTS


@pytest.mark.parametrize("name, ceiling", [("vae", 95.0), ("vae2d", 150.0)])
def test_committed_vae_elbo_on_the_real_test_set(mnist_test, name, ceiling):
    checkpoint = load_checkpoint(CHECKPOINTS / name)
    measured = vae_metrics(checkpoint.model, mnist_test, torch.device("cpu"))
    stored = checkpoint.meta["metrics"]
    assert measured["test_neg_elbo"] <= ceiling
    assert measured["test_neg_elbo"] == pytest.approx(stored["test_neg_elbo"], abs=0.05)
    assert measured["test_recon"] + measured["test_kl"] == pytest.approx(measured["test_neg_elbo"], abs=0.01)
    assert measured["test_kl"] > 2.0  # the latent carries information: no posterior collapse
    assert sorted(stored["dimension_order"]) == list(range(checkpoint.meta["config"]["latent"]))
