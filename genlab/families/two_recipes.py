"""Two recipes of one architecture trained one after the other, with the same seed and time budget,
and their results side by side: `python -m genlab compare ARCH --b d_steps=2` (genlab.commands.compare)
prints the table, and the Train tab's comparison shows the same rows.

A recipe is the Train tab's knob values; a comparison names what recipe B (and, if it likes, A)
changes from a shared base, as `knob=value` pairs: "d_steps=2, ema=0".
"""
import re
from pathlib import Path
from typing import Any, Iterator

import torch

from genlab.core.checkpoint import Checkpoint
from genlab.core.errors import RequestError
from genlab.families import ARCHITECTURES, family_of
from genlab.families.gan import HISTOGRAM_ROW
from genlab.families.training import train_and_save
from genlab.measure.metrics import histogram_line
from genlab.train.loop import Stop, TrainEvent

SHARED = ("max_seconds",)  # what both recipes must share, so the comparison is fair
PAIR = re.compile(r"^\s*([a-z_]+)\s*=\s*(\S+)\s*$")
MAX_CHANGES_TEXT = 400  # characters: every knob changed at once fits in far fewer


class CompareError(RequestError):
    """A recipe's changes that cannot be read or applied; the message names the knob."""


def parse_changes(text: str, name: str, shared: bool = False) -> dict[str, float]:
    """`knob=value` pairs, separated by commas or spaces, as numbers keyed by the knob they set;
    refuses a knob this architecture does not read, a non-number and, unless these are changes
    to both recipes (`shared`), one both recipes must share."""
    if len(text) > MAX_CHANGES_TEXT:
        raise CompareError(f"A recipe's changes are {len(text):,} characters; write at most {MAX_CHANGES_TEXT}.")
    knobs = ARCHITECTURES[name].recipe.knobs
    changes = {}
    for pair in re.split(r"[,\s]+(?=[a-z_]+\s*=)", text.strip()) if text.strip() else []:
        match = PAIR.match(pair)
        if match is None:
            raise CompareError(f"Write each change as knob=value (for example d_steps=2); could not read {pair!r}.")
        key, value = match.groups()
        if key not in knobs:
            raise CompareError(f"The {ARCHITECTURES[name].title} has no knob {key!r}; "
                               f"it reads {', '.join(k for k in knobs if k not in SHARED)}.")
        if key in SHARED and not shared:
            raise CompareError(f"Both recipes train with the same {knobs[key].label.lower()}: set it for both, "
                               "not in one recipe's changes.")
        try:
            changes[key] = float(value)
        except ValueError:
            raise CompareError(f"{knobs[key].label} must be a number; got {value!r}.") from None
    return changes


def recipes(name: str, base: dict[str, Any], changes_a: dict[str, float],
            changes_b: dict[str, float]) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """(config, settings) for recipes A and B: the base knob values with each one's changes, checked
    against the recipe's ranges (RecipeError names the knob). Both keep the base's seed and time."""
    if changes_a == changes_b:
        raise CompareError("Recipes A and B are the same: change at least one knob in recipe B.")
    family, architecture = family_of(name), ARCHITECTURES[name]
    return (family.build(architecture, {**base, **changes_a}), family.build(architecture, {**base, **changes_b}))


def train_both(name: str, pair: tuple[tuple[Any, Any], tuple[Any, Any]], device: torch.device, folder: Path,
               stop: Stop | None = None) -> Iterator[tuple[str, TrainEvent]]:
    """Train A then B with the usual loop, saving each to FOLDER/NAME-a and -b; yields ("A" or "B", event)."""
    for label, (config, settings) in zip("AB", pair):
        for event in train_and_save(name, config, settings, device, folder / f"{name}-{label.lower()}", stop):
            yield label, event


def comparison_rows(a: Checkpoint, b: Checkpoint) -> list[tuple[str, str, str]]:
    """(what, A, B) for every figure either model's family reports, then its digit histogram (GANs),
    training steps and seconds: the table both the command line and the Train tab show."""
    family = family_of(a.meta["arch"])
    measured = a.meta["metrics"], b.meta["metrics"]
    rows = [(m.label.strip(), *(m.show(x[m.key]) if m.key in x else "" for x in measured))
            for m in family.metrics if any(m.key in x for x in measured)]
    if any("class_histogram" in x for x in measured):
        rows.append((HISTOGRAM_ROW,
                     *(histogram_line(x["class_histogram"]) if "class_histogram" in x else "" for x in measured)))
    trained = a.meta["training"], b.meta["training"]
    rows.append(("Training steps", *(f"{t.get('steps', 0):,}" for t in trained)))
    rows.append(("Seconds trained", *(f"{t.get('seconds', 0):.0f}" for t in trained)))
    return rows


def budget_note(a: Checkpoint, b: Checkpoint) -> str:
    """Why two recipes of one budget did different numbers of steps, in a sentence ("" when they did
    the same): a run that reached its time limit stopped on the clock, so costlier steps mean fewer."""
    trained = a.meta["training"], b.meta["training"]
    steps_a, steps_b = (t.get("steps", 0) for t in trained)
    if steps_a == steps_b:
        return ""
    limit = trained[0].get("max_seconds")
    on_the_clock = [bool(limit) and t.get("seconds", 0) >= 0.95 * limit for t in trained]
    if any(on_the_clock):
        return (f"Same time limit ({limit:.0f} s), different steps: recipe A did {steps_a:,}, recipe B {steps_b:,}. "
                "A run that reaches the limit stops on the clock, so the recipe whose steps cost more (more "
                "updates a step, a bigger model or batch) does fewer: compare them at equal time, not equal steps.")
    return (f"Same number of passes over the data, different steps: recipe A did {steps_a:,}, recipe B "
            f"{steps_b:,} (a step of the one with fewer covers more examples, or updates one network more often).")


def changes_line(changes: dict[str, float]) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in changes.items()) or "the base recipe"


def table(rows: list[tuple[str, str, str]], changes_a: dict[str, float], changes_b: dict[str, float]) -> str:
    head = f"| | A: {changes_line(changes_a)} | B: {changes_line(changes_b)} |"
    return "\n".join([head, "|---|---|---|", *(f"| {what} | {a} | {b} |" for what, a, b in rows)])
