"""Safe to leave running in public: what a careless or hostile visitor sends cannot take the server's
memory, disk or queue, everybody else keeps being served, and a laptop does not offer the app to its
whole network unless asked to."""
import os
import socket
import subprocess
import sys

import pytest

from benchmarks.running_app import free_port
from genlab.families import ARCHITECTURES
from genlab.families.footprint import footprint, limit, too_big
from genlab.models.loading import load_checkpoint
from genlab.serve.fairness import Fairness
from tests.helpers import CHECKPOINTS, ROOT


def test_every_committed_checkpoint_fits_the_bound_on_uploads():
    """A visitor may download any model the lab ships (or trains) and upload it back."""
    for path in sorted(CHECKPOINTS.glob("*.json")):
        checkpoint = load_checkpoint(path, refuse=too_big)
        size, allowed = footprint(ARCHITECTURES[checkpoint.meta["arch"]], checkpoint.model.config), \
            limit(checkpoint.meta["arch"])
        assert size.parameters <= allowed.parameters and size.activations <= allowed.activations, path.stem


def test_the_fairness_policy_refills_a_visitors_allowance_over_time():
    fairness = Fairness(per_visitor=2, per_address=3, burst=2, per_second=1.0)
    assert fairness.refuse("ann", "10.0.0.1", "sample", 0, 0, now=0.0) == ""
    assert fairness.refuse("ann", "10.0.0.1", "sample", 0, 0, now=0.0) == ""
    assert "try again in 1.0 s" in fairness.refuse("ann", "10.0.0.1", "sample", 0, 0, now=0.0)
    assert fairness.refuse("ann", "10.0.0.1", "sample", 0, 0, now=1.0) == "", "one call's worth refilled"
    assert fairness.refuse("bob", "10.0.0.1", "sample", 0, 0, now=0.0) == "", "bob has his own allowance"
    assert fairness.refuse("ann", "10.0.0.1", "decode", 0, 0, now=1.0) == "", "a slider move costs no allowance"
    assert "2 calls waiting or running" in fairness.refuse("ann", "10.0.0.1", "decode", 2, 2, now=5.0)
    assert "Your network already has 3" in fairness.refuse("cy", "10.0.0.1", "decode", 0, 3, now=5.0)


def test_python_app_py_listens_on_loopback_unless_told_otherwise():
    """On a laptop in a café, `python app.py` serves this machine only; a non-loopback address of the
    machine is refused."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "GRADIO_SERVER_NAME"} | {"GRADIO_SERVER_PORT": str(port)}
    server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        for line in server.stdout:
            if "Running on local URL" in line:
                break
        assert f"http://127.0.0.1:{port}" in line, line
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        outside = [a for a in socket.gethostbyname_ex(socket.gethostname())[2] if not a.startswith("127.")]
        for address in outside:
            with pytest.raises(OSError):
                socket.create_connection((address, port), timeout=5).close()
    finally:
        server.terminate()
        server.wait(timeout=30)
