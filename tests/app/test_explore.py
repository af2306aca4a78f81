"""The VAE explorer: the committed VAEs are as good as their cards say, and the tab's endpoints
decode, encode, sample and interpolate through the running app."""
import numpy as np
import pytest
from gradio_client import handle_file
from PIL import Image

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


