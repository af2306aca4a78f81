"""The model card a learner reads beside each model: its settings in words, never the config's keys."""
import dataclasses
import re

import pytest

from genlab.core.checkpoint import read_meta
from genlab.families import ARCHITECTURES, FAMILIES
from genlab.models.loading import load_checkpoint
from tests.helpers import CHECKPOINTS
from ui.cards import ARCHITECTURE, TRAINING, in_words, model_card

RECORDED_BESIDE = {"steps", "seconds", "device"}  # what every run records beside its settings


def test_every_setting_any_family_records_is_either_said_in_words_or_left_out_on_purpose():
    configs = {field.name for a in ARCHITECTURES.values() for field in dataclasses.fields(a.config)}
    settings = {field.name for f in FAMILIES.values() for field in dataclasses.fields(f.settings)}
    assert configs <= set(ARCHITECTURE), sorted(configs - set(ARCHITECTURE))
    assert settings | RECORDED_BESIDE <= set(TRAINING), sorted(settings | RECORDED_BESIDE - set(TRAINING))


@pytest.mark.parametrize("meta_path", sorted(CHECKPOINTS.glob("*.json")), ids=lambda path: path.stem)
def test_a_committed_models_card_reads_as_words(meta_path):
    meta = read_meta(meta_path)
    said = in_words(meta["config"], ARCHITECTURE) + " " + in_words(meta["training"], TRAINING)
    for key in (*meta["config"], *meta["training"]):
        if "_" in key:
            assert key not in said, f"{meta_path.stem}: the card says {key!r}, a config key"
    assert not re.search(r"\b(True|False|None)\b|\[|\{", said), said


def test_the_card_says_what_a_cnn_is_made_of_and_how_it_learned():
    card = model_card(load_checkpoint(CHECKPOINTS / "cnn"))
    config = read_meta(CHECKPOINTS / "cnn.json")["config"]
    assert f"convolutions of {', '.join(map(str, config['channels']))} channels" in card
    assert "digits randomly rotated, scaled and thickened" in card
    assert re.search(r"\*\*Training:\*\* [\d,]+ steps in \d+ min; \d+ epochs", card), card
    assert "log_every" not in card and "bf16" not in card and "digits_from" not in card
