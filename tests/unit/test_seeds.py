"""A seed's noise: the numbers the GAN sampler and the VAE's random sample draw, the same on every
machine and in the page (ui/web/seeds.js; tests/browser/test_browser_inference.py holds the two together)."""
import math

import numpy as np

from genlab.core.seeds import MAX_SEED, gaussian, uniform


def test_a_seed_names_the_same_numbers_and_another_seed_others():
    assert np.array_equal(gaussian(7, 4, 100), gaussian(7, 4, 100))
    assert not np.allclose(gaussian(7, 4, 100), gaussian(8, 4, 100))
    assert gaussian(MAX_SEED, 2, 3).shape == (2, 3) and gaussian(MAX_SEED, 2, 3).dtype == np.float32


def test_sample_i_of_a_grid_is_the_same_whatever_the_grids_size():
    assert np.array_equal(gaussian(3, 64, 100)[:5], gaussian(3, 5, 100))


def test_the_numbers_are_standard_normal_and_seeds_do_not_echo_each_other():
    numbers = np.sort(gaussian(0, 500, 100).ravel())
    for x in np.linspace(-3, 3, 25):  # the share below x, against the normal's: Kolmogorov-Smirnov's 1% bound
        share = np.searchsorted(numbers, x) / len(numbers)
        assert abs(share - 0.5 * (1 + math.erf(x / math.sqrt(2)))) < 1.63 / math.sqrt(len(numbers))
    neighbours = np.corrcoef(gaussian(1, 1, 50_000)[0], gaussian(2, 1, 50_000)[0])[0, 1]
    assert abs(neighbours) < 0.02, "seed 2's numbers are not seed 1's, shifted or scaled"


def test_a_seeds_uniform_draws_are_its_own_and_even():
    draws = uniform(5, 100_000)
    assert np.array_equal(uniform(5, 10, first=40), draws[40:50]), "draw i is the same whatever the count"
    assert 0 <= draws.min() and draws.max() < 1 and not np.allclose(uniform(6, 100), draws[:100])
    counts, _ = np.histogram(draws, bins=10, range=(0, 1))
    assert np.abs(counts - 10_000).max() < 500, counts
