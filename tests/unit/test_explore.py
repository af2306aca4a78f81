"""The VAE explorer's logic: a test digit encoded then decoded is still read right, spherical paths keep
their ends and norm, and the 2-D map cache keeps the latest models only."""
import numpy as np
import torch

from genlab.inference.classify import read_batch
from genlab.inference.latent import PATH_COLOUR, draw_posterior, path
from genlab.models.loading import load_checkpoint
from tests.helpers import CHECKPOINTS


def test_a_test_digit_encoded_then_decoded_is_still_read_right(mnist_test, cnn):
    vae = load_checkpoint(CHECKPOINTS / "vae").model
    images, labels = mnist_test.images[:200], mnist_test.labels[:200]
    with torch.no_grad():
        reconstructions = vae.decode(vae.encode(images)[0])
    predicted, _ = read_batch(cnn, reconstructions)
    assert (torch.tensor(predicted) == labels).float().mean() >= 0.95


def test_spherical_paths_start_and_end_at_the_endpoints_and_keep_their_norm():
    a, b = torch.randn(16, generator=torch.Generator().manual_seed(1)), torch.randn(16)
    for spherical in (False, True):
        codes = path(a, b, 9, spherical)
        assert torch.allclose(codes[0], a, atol=1e-5) and torch.allclose(codes[-1], b, atol=1e-5)
    norms = path(a, b, 9, True).norm(dim=1)
    assert norms.min() > 0.8 * min(a.norm(), b.norm())  # a straight line would dip towards the origin


def test_the_2d_map_cache_keeps_the_latest_models_only(mnist_test):
    """A long-lived Space sees many users' own 2-D VAEs: their maps are kept for the latest few, not forever."""
    from dataclasses import replace

    from genlab.inference.explorer import MAPS_KEPT, Explorer

    vae2d = load_checkpoint(CHECKPOINTS / "vae2d")
    explorer = Explorer(reader=None, device=torch.device("cpu"))
    users = [replace(vae2d, path=vae2d.path.parent / f"user{i}" / "vae2d") for i in range(MAPS_KEPT + 2)]
    first = explorer.map_parts(users[0])
    for checkpoint in users[1:]:
        explorer.map_parts(checkpoint)
        explorer.map_parts(users[1])  # someone keeps using theirs
    assert len(explorer.maps) == MAPS_KEPT
    assert str(users[1].path) in explorer.maps and str(users[0].path) not in explorer.maps
    assert explorer.map_parts(users[0])[2].shape == first[2].shape, "a dropped map is drawn again when needed"


def test_a_posterior_is_ringed_at_one_and_two_standard_deviations_along_each_axis():
    white = np.full((300, 300, 3), 255, np.uint8)
    ringed = draw_posterior(white, torch.tensor([0.0, 0.0]), torch.tensor([0.5, 0.25]), extent=3.0)[..., 0]
    dark = ringed == PATH_COLOUR[0]
    assert dark[150, 150], "the mean is dotted"
    for k in (1, 2):  # 0.5 of 6 across 300 pixels is 25 pixels; 0.25 is 12.5
        assert dark[150, 150 + 25 * k - 2:150 + 25 * k + 1].any() and dark[150, 150 - 25 * k - 1:150 - 25 * k + 2].any()
        assert dark[round(150 - 12.5 * k) - 1:round(150 - 12.5 * k) + 2, 150].any()
    assert not dark[150, 150 + 60:].any() and not dark[:150 - 30, 150].any(), "nothing beyond two deviations"
