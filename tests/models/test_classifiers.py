"""Someone trains a small MLP from the command line and gets a checkpoint that carries its test metrics."""
import json
import os
import subprocess
import sys

from genlab.models.loading import load_checkpoint
from tests.helpers import ROOT


def test_the_command_line_trains_and_writes_a_checkpoint_with_its_test_metrics(tmp_path):
    out = tmp_path / "tiny"
    result = subprocess.run(
        [sys.executable, "-m", "genlab", "train", "mlp", "--hidden", "32", "--epochs", "0.05", "--log-every", "10",
         "--out", str(out)],
        cwd=ROOT, env={**os.environ}, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "step 10/" in result.stdout and "wrote" in result.stdout
    meta = json.loads(out.with_suffix(".json").read_text())
    assert meta["training"]["epochs"] == 0.05 and meta["config"]["hidden"] == [32]
    assert meta["metrics"]["test_images"] == 10_000
    assert load_checkpoint(out).meta["metrics"]["test_accuracy"] == meta["metrics"]["test_accuracy"] > 0.5
