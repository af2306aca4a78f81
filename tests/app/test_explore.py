"""The VAE explorer: the committed VAEs are as good as their cards say, and the tab's endpoints
decode, encode, sample and interpolate through the running app."""
import base64

import numpy as np
import pytest
from gradio_client import handle_file
from PIL import Image

from genlab.inference.explorer import EXTENT
from genlab.inference.latent import PATH_COLOUR, to_pixels
from tests.helpers import draw_like_a_person

SLIDERS = 16


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

    # The same picture sent as the page's drawing pad sends a drawing (a PNG data URL) has the same code.
    drawn = running_app.predict("vae", "data:image/png;base64," + base64.b64encode(page.read_bytes()).decode(), None,
                                api_name="/encode")
    assert drawn[:SLIDERS] == values


def test_encoding_a_digit_on_the_2d_vae_rings_its_posterior_on_the_map(running_app, mnist_test, tmp_path):
    """The code of a drawing is not a point but a Gaussian: on the 2-D VAE, encoding one draws its mean
    (where the sliders go) ringed at one and two standard deviations, and the words say what the rings are."""
    page = tmp_path / "seven.png"
    Image.fromarray(draw_like_a_person(mnist_test.images[0, 0].numpy())).save(page)
    result = running_app.predict("vae2d", None, handle_file(str(page)), api_name="/encode")
    (z1, z2), reading, ringed = result[:2], result[SLIDERS + 1], picture(result[SLIDERS + 2])
    plain = picture(running_app.predict("vae2d", 0, api_name="/random_code")[SLIDERS + 2])
    assert "The rings on the map" in reading and "standard deviations" in reading
    assert ringed.shape == plain.shape and not np.array_equal(ringed, plain)
    (x, y), = np.round(to_pixels(np.array([[z1, z2]]), EXTENT, plain.shape[0])).astype(int)
    assert ringed[y, x] == PATH_COLOUR[0], "the mean, where the sliders went, is dotted"
    changed = np.argwhere(ringed != plain)
    assert np.abs(changed - [y, x]).max() < plain.shape[0] / 2, "the rings are around the code, not elsewhere"


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


