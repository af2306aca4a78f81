"""The GANs: their quality is measured from the committed models on real data, and the sampler
tab's endpoints give reproducible grids through the running app."""
import numpy as np
import pytest
from PIL import Image

from genlab.core.images import CAPTION_ROW


def grid(path: str) -> np.ndarray:
    return np.asarray(Image.open(path).convert("L"))


@pytest.mark.smoke
def test_the_same_seed_gives_the_same_grid_and_a_new_seed_another(running_app):
    first, _ = running_app.predict("dcgan", 7, 16, 1.0, "any", api_name="/sample")
    again, summary = running_app.predict("dcgan", 7, 16, 1.0, "any", api_name="/sample")
    other, _ = running_app.predict("dcgan", 8, 16, 1.0, "any", api_name="/sample")
    assert np.array_equal(grid(first), grid(again))
    assert not np.array_equal(grid(first), grid(other))
    assert "The CNN reads these 16 samples as" in summary
    seed, fresh, _ = running_app.predict("dcgan", 16, 1.0, "any", api_name="/new_seed")
    assert 0 <= seed < 2**32 and grid(fresh).shape == grid(first).shape


def test_the_conditional_gan_draws_the_digit_asked_for(running_app):
    _, summary = running_app.predict("cdcgan", 3, 40, 1.0, "4", api_name="/sample")
    share = int(summary.split("It reads ")[1].split("%")[0])
    assert share >= 80, summary
    sheet, summary = running_app.predict("cdcgan", 5, 3, 1.0, api_name="/every_digit")
    assert grid(sheet).shape[1] == 10 * 84  # one column per digit
    assert "as the digit asked for" in summary


def test_under_each_sample_the_discriminator_says_how_real_it_finds_it(running_app):
    """A learner asks for D's score instead of the CNN's reading: the same samples, captioned with what
    the generator is trained to raise, and its mean in words; the conditional GAN's every-digit sheet too."""
    read, by_cnn = running_app.predict("dcgan", 7, 16, 1.0, "any", "the CNN's reading", api_name="/sample")
    judged, by_d = running_app.predict("dcgan", 7, 16, 1.0, "any", "D's chance it is real", api_name="/sample")
    read, judged = grid(read), grid(judged)
    assert read.shape == judged.shape
    tile = 84
    digits = np.concatenate([read[row:row + tile] for row in range(0, read.shape[0], tile + CAPTION_ROW)])
    assert np.array_equal(digits, np.concatenate([judged[row:row + tile] for row in range(0, judged.shape[0], tile + CAPTION_ROW)]))
    assert not np.array_equal(read, judged), "the captions differ"
    mean = float(by_d.split("their mean: ")[1].split(")")[0])
    assert 0 < mean < 1 and by_d.endswith(by_cnn), by_d  # D's words, then the CNN's reading of the same samples
    _, every = running_app.predict("cdcgan", 5, 2, 1.0, "D's chance it is real", api_name="/every_digit")
    assert "D's chance that it is real" in every


def test_interpolating_between_seeds_gives_a_strip_and_a_gif(running_app):
    strip, animation = running_app.predict("mlpgan", 1, 2, 6, "spherical", "any", api_name="/interpolate_seeds")
    assert grid(strip).shape[1] == 6 * 84
    assert Image.open(animation).n_frames == 2 * 6 - 2


def test_bad_sampler_values_get_clear_errors(running_app):
    cases = [
        (("mlpgan", 3, 65, 1.0, "any"), "/sample", "greater than maximum value 64"),
        (("mlpgan", -1, 6, 1.0, "any"), "/sample", "less than minimum value 0"),
        (("mlpgan", 3, 6, 1.5, "any"), "/sample", "greater than maximum value 1"),
        (("mlpgan", 3, 6, 1.0, "eleven"), "/sample", "not in the list of choices"),
        (("mlpgan", 3, 2, 1.0), "/every_digit", "Only the conditional GAN takes a digit"),
        (("dcgan", 1, 2, 500, "linear", "any"), "/interpolate_seeds", "greater than maximum value 64"),
    ]
    for args, endpoint, message in cases:
        with pytest.raises(Exception, match=message):
            running_app.predict(*args, api_name=endpoint)
    assert running_app.predict("mlpgan", 3, 4, 0.5, "any", api_name="/sample")[1]  # still serving
