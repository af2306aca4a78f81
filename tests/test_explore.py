"""The VAE explorer: the committed VAEs are as good as their cards say, and the tab's endpoints
decode, encode, sample and interpolate through the running app."""
import numpy as np
import pytest
import torch
from conftest import CHECKPOINTS, draw_like_a_person
from gradio_client import handle_file
from PIL import Image

from genlab.inference.classify import read_batch
from genlab.inference.latent import path
from genlab.measure.metrics import vae_metrics
from genlab.models.loading import load_checkpoint

SLIDERS = 16


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


def sliders(*first: float) -> list[float]:
    return [*first, *[0.0] * (SLIDERS - len(first))]


def picture(path_: str) -> np.ndarray:
    return np.asarray(Image.open(path_).convert("L"))


@pytest.mark.smoke
def test_moving_a_slider_decodes_a_different_digit_through_the_app(running_app):
    left, reading_left = running_app.predict("vae2d", *sliders(-2.0, 0.0), api_name="/decode")
    right, reading_right = running_app.predict("vae2d", *sliders(2.0, 0.0), api_name="/decode")
    again, _ = running_app.predict("vae2d", *sliders(-2.0, 0.0), api_name="/decode")
    assert picture(left).shape == (224, 224)
    assert np.abs(picture(left).astype(int) - picture(right)).mean() > 5
    assert np.array_equal(picture(left), picture(again))
    assert "The CNN reads this as" in reading_left and "The CNN reads this as" in reading_right


def test_bad_latent_values_get_clear_errors(running_app):
    with pytest.raises(Exception, match="greater than maximum value 3"):
        running_app.predict("vae", *sliders(7.5), api_name="/decode")
    with pytest.raises(Exception, match="not in the list of choices"):
        running_app.predict("gan", *sliders(), api_name="/decode")
    with pytest.raises(Exception, match="less than minimum value 0"):
        running_app.predict("vae", -5, api_name="/random_code")
    assert running_app.predict("vae", *sliders(0.5), api_name="/decode")[1]  # still serving


def test_a_random_sample_is_reproducible_by_its_seed(running_app):
    first = running_app.predict("vae", 42, api_name="/random_code")
    second = running_app.predict("vae", 42, api_name="/random_code")
    assert first[:SLIDERS] == second[:SLIDERS] and any(v != 0 for v in first[:SLIDERS])
    assert np.array_equal(picture(first[SLIDERS]), picture(second[SLIDERS]))
    assert first[-1] == 43  # the seed moves on, so the next click gives a new sample


def test_encoding_your_own_digit_moves_the_sliders_to_its_code(running_app, mnist_test, tmp_path):
    page = tmp_path / "seven.png"
    Image.fromarray(draw_like_a_person(mnist_test.images[0, 0].numpy())).save(page)
    result = running_app.predict("vae", None, handle_file(str(page)), api_name="/encode")
    values, reading, reconstruction = result[:SLIDERS], result[SLIDERS + 1], result[-1]
    assert any(abs(v) > 0.1 for v in values)
    assert "reads this as **7" in reading
    assert picture(reconstruction).shape == (224, 224)
    blank = tmp_path / "blank.png"
    Image.new("L", (200, 200), 255).save(blank)
    with pytest.raises(Exception, match="blank"):
        running_app.predict("vae", None, handle_file(str(blank)), api_name="/encode")


def test_interpolating_between_two_test_digits_gives_a_strip_and_a_gif(running_app):
    strip, animation = running_app.predict("vae", "test digit", 0, "test digit", 1, 8, "spherical", None, None,
                                           *sliders(), api_name="/interpolate")
    assert picture(strip).shape[1] == 8 * 84
    gif = Image.open(animation)
    assert gif.format == "GIF" and gif.n_frames == 2 * 8 - 2
    with pytest.raises(Exception, match="greater than maximum value 64"):
        running_app.predict("vae", "test digit", 0, "random", 3, 500, "linear", None, None, *sliders(),
                            api_name="/interpolate")
    with pytest.raises(Exception, match="Test digit numbers run from 0 to 9999"):
        running_app.predict("vae", "test digit", 10_000, "random", 3, 8, "linear", None, None, *sliders(),
                            api_name="/interpolate")


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
