"""The tabs' handlers called as the page calls them, on the committed models and without building any
page: what a visitor does on a tab, and what they must see."""
import json

import numpy as np
import pytest
import torch

from genlab.core.checkpoint import checkpoint_dir
from genlab.core.images import ink
from genlab.inference import sampler
from genlab.inference.explorer import SLIDERS
from genlab.serve.lab import Lab
from ui import explore, sample


@pytest.fixture(scope="module")
def lab() -> Lab:
    return Lab.load(checkpoint_dir(), torch.device("cpu"))


def sliders(*values: float) -> dict[str, float]:
    """The explorer's sliders at these values (most-used dimension first), the others at zero."""
    return {name: values[slot] if slot < len(values) else 0.0 for slot, name in enumerate(explore.LATENT)}


def test_dragging_a_slider_redraws_the_digit_and_the_cnn_reads_it(lab):
    explorer = explore.Handlers(lab)
    at_origin, _ = explorer.decode("vae2d", None, **sliders())
    dragged, reading = explorer.decode("vae2d", None, **sliders(2.5, -1.0))
    assert dragged.shape == at_origin.shape and not np.array_equal(dragged, at_origin), "the digit changed"
    assert reading.startswith("The CNN reads this as **")
    again, _ = explorer.decode("vae2d", None, **sliders(2.5, -1.0))
    assert np.array_equal(again, dragged), "the same code always draws the same digit"


def test_choosing_the_16d_vae_shows_its_sliders_hides_the_map_and_tells_the_page(lab):
    *slider_updates, picture, reading, latent_map, more, map_column, no_map, spec = \
        explore.Handlers(lab).switch_model("vae", None)
    assert len(slider_updates) == SLIDERS and all(update.visible for update in slider_updates)
    assert more.visible and not map_column.visible and no_map.visible and latent_map is None
    told = json.loads(spec)
    assert told["latent"] == 16 and told["decoder"] and told["map"] == explore.MAP_ID


def test_the_same_seed_draws_the_same_grid_and_the_cnn_says_what_it_read(lab):
    gans = sample.Handlers(lab)
    grid, summary = gans.sample("cdcgan", 7, 8, 1.0, "3", None)
    again, _ = gans.sample("cdcgan", 7, 8, 1.0, "3", None)
    another, _ = gans.sample("cdcgan", 8, 8, 1.0, "3", None)
    assert np.array_equal(grid, again) and not np.array_equal(grid, another)
    assert summary.startswith("The CNN reads these 8 samples as") and "as the digit asked for" in summary


def test_choosing_a_gan_hands_the_page_its_graphs_and_the_controls_to_follow(lab):
    grid, walk, between, digit, every_digit, rows = sample.Handlers(lab).switch_model("dcgan", None)
    grid, walk, between = json.loads(grid), json.loads(walk), json.loads(between)
    assert grid["generator"] and grid["judge"] and grid["judge"] != grid["generator"], "the generator and D, apart"
    assert grid["generator"] == walk["generator"] == between["generator"], "one generator for all three"
    assert grid["noise"] == walk["noise"] == between["noise"] == lab.checkpoints["dcgan"].model.config.noise
    assert grid["classes"] == between["classes"] == 0
    assert not (digit.visible or every_digit.visible or rows.visible), "the DCGAN takes no digit"
    assert grid["knobs"]["seed"] == walk["ends"]["seed"] == sample.KNOBS["seed"], "the walk starts in the grid's noise"
    assert grid["walk_sample"] == walk["ends"]["sample"], "a click on the grid sets the walk's sample"
    assert between["knobs"]["digit"] == grid["knobs"]["digit"], "the interpolation draws the grid's digit"


def test_the_walk_starts_at_the_grids_sample(lab):
    gans = sample.Handlers(lab)
    at_start, reading = gans.walk_sample("cdcgan", 0, 32, "any", 3, 1, 0.0, 0.5, None)
    third = sampler.samples(lab.checkpoints["cdcgan"].model, 0, 32, 0.5)[0][2]
    assert np.array_equal(at_start, ink(third, sampler.SHOWN)), "the walk's start is the grid's third sample"
    assert reading.startswith("The CNN reads this as **2"), "the grid of 'any' draws 0, 1, 2, ...: the third is a 2"
