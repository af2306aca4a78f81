"""`python -m genlab compare ARCH --b knob=value ...`: two recipes of one architecture trained one after
the other with the same seed and time budget (genlab.families.two_recipes), and their table."""
import argparse
import tempfile
from pathlib import Path

from genlab.core.device import describe, pick_device
from genlab.core.errors import RequestError
from genlab.families import ARCHITECTURES
from genlab.families.two_recipes import budget_note, comparison_rows, parse_changes, recipes, table, train_both
from genlab.models.loading import load_checkpoint


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m genlab compare", description=__doc__.split("\n\n")[0])
    parser.add_argument("name", choices=sorted(ARCHITECTURES))
    parser.add_argument("--a", default="", help="what recipe A changes from the base: knob=value, ...")
    parser.add_argument("--b", required=True, help="what recipe B changes from the base: knob=value, ...")
    parser.add_argument("--base", default="", help="knob=value, ... for both (max_seconds too); else the "
                                                   "Train tab's defaults")
    parser.add_argument("--out", type=Path, help="keep the two checkpoints in this folder")
    args = parser.parse_args(argv)
    try:
        base = {**ARCHITECTURES[args.name].recipe.defaults(), **parse_changes(args.base, args.name, shared=True)}
        changes_a, changes_b = parse_changes(args.a, args.name), parse_changes(args.b, args.name)
        pair = recipes(args.name, base, changes_a, changes_b)
    except RequestError as err:
        raise SystemExit(str(err)) from None
    device = pick_device()
    print(f"comparing two {args.name} recipes on {describe(device)}", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.out or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for label, event in train_both(args.name, pair, device, folder):
            print(f"{label}: {event.line()}", flush=True)
        made = [load_checkpoint(folder / f"{args.name}-{x}", device) for x in "ab"]
    print()
    print(table(comparison_rows(*made), changes_a, changes_b))
    if budget_note(*made):
        print("\n" + budget_note(*made))
