"""`python -m genlab eval` on a new machine or a new PyTorch (CI runs it on the release a ZeroGPU Space
installs): what the quick checkpoints measure afresh equals what their metadata stores, to the digit printed."""
import shutil
import subprocess
import sys

import pytest

from tests.helpers import CHECKPOINTS, ROOT

QUICK = ("cnn", "mlp", "lstm")  # measured in seconds; the GANs' and VAEs' FIDs take minutes each


def measured_and_stored(table: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(checkpoint, metric) -> (measured now, stored in metadata), for the rows of eval's table that have both."""
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table.splitlines()
            if line.startswith("| ") and not line.startswith("| checkpoint")]
    return {(name, metric): (now, stored) for name, _, _, metric, now, stored in rows if stored}


@pytest.mark.smoke
def test_eval_measures_what_the_checkpoints_store(tmp_path):
    for name in QUICK:
        for path in CHECKPOINTS.glob(f"{name}.*"):
            shutil.copy(path, tmp_path)
    table = subprocess.run([sys.executable, "-m", "genlab", "eval", str(tmp_path)], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout
    figures = measured_and_stored(table)
    assert {name for name, _ in figures} == set(QUICK), "each checkpoint has stored figures to compare"
    for (name, metric), (now, stored) in figures.items():
        assert now == stored, f"{name}: {metric} is {now} now, {stored} when stored"
