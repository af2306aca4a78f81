"""The code must parse on every Python it may meet: 3.11 here, 3.10 or 3.12 on a ZeroGPU Space. Those
interpreters cannot run here, so ruff reads every file as Python 3.10 would (pyproject.toml's
target-version, the oldest): what 3.10 parses, 3.12 parses too."""
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT


def ruff(*paths: Path) -> subprocess.CompletedProcess:
    """`ruff check` with the project's settings, leaving no cache behind."""
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise",
                           "--config", str(ROOT / "pyproject.toml"), *map(str, paths)],
                          cwd=ROOT, capture_output=True, text=True)


def test_every_file_parses_on_python_3_10_and_uses_only_names_it_defines():
    checked = ruff(ROOT)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_syntax_newer_than_python_3_10_is_caught(tmp_path):
    newer = tmp_path / "newer.py"
    newer.write_text("try:\n    pass\nexcept* ValueError:\n    pass\n\n\ndef first[T](xs: list[T]) -> T:\n    return xs[0]\n")
    checked = ruff(newer)
    assert checked.returncode == 1
    assert "`except*` on Python 3.10" in checked.stdout and "type parameter lists on Python 3.10" in checked.stdout
