"""Shared fixtures: the real MNIST test split, the committed checkpoints, and a running app."""
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("GENLAB_DATA", str(ROOT.parent / "shared" / "data"))

from genlab.checkpoint import checkpoint_dir, load_checkpoint  # noqa: E402
from genlab.data import load_mnist  # noqa: E402
from genlab.fairness import Fairness  # noqa: E402

CHECKPOINTS = checkpoint_dir()  # the app's: GENLAB_CHECKPOINTS, else the committed ones


@pytest.fixture(scope="session")
def mnist_test():
    return load_mnist(train=False)


@pytest.fixture(scope="session")
def cnn():
    return load_checkpoint(CHECKPOINTS / "cnn").model


@pytest.fixture(scope="session")
def mlp():
    return load_checkpoint(CHECKPOINTS / "mlp").model


def draw_like_a_person(digit: np.ndarray, canvas: tuple[int, int] = (600, 800), size: int = 300,
                       at: tuple[int, int] = (250, 40), dark_on_light: bool = True) -> np.ndarray:
    """An MNIST digit (28x28 in [0, 1]) enlarged and placed off-centre on a big canvas, as uint8."""
    big = np.asarray(Image.fromarray((digit * 255).astype(np.uint8)).resize((size, size), Image.BILINEAR))
    page = np.zeros(canvas, np.uint8)
    page[at[0]:at[0] + size, at[1]:at[1] + size] = big
    return 255 - page if dark_on_light else page


@pytest.fixture(scope="session")
def fairness() -> Fairness:
    """The running app's fairness policy. The suite's clients call far faster than people do (the load
    test, the contract's hundreds of calls), so its rate limit is generous; a test of the limits sets
    the app's own defaults on it while it runs."""
    return Fairness(burst=1_000_000)


@pytest.fixture(scope="session")
def running_app(tmp_path_factory, fairness):
    """The real app on a free loopback port, with a gradio_client connected to it."""
    os.environ.setdefault("GRADIO_TEMP_DIR", str(tmp_path_factory.mktemp("gradio")))
    from gradio_client import Client

    import app

    demo = app.build_app()
    _, url, _ = app.launch(demo, fairness, prevent_thread_lock=True, server_name="127.0.0.1", server_port=None,
                           quiet=True)
    client = Client(url, verbose=False)
    yield client
    client.close()
    demo.close()


def pytest_addoption(parser):
    parser.addoption("--screenshots", action="store_true", default=False,
                     help="browser tests: write the README's screenshots to docs/screenshots/ "
                          "(without it they are taken but kept in the test's temporary folder)")


REPORTS = pytest.StashKey[dict]()  # item.stash[REPORTS]["setup" | "call" | "teardown"]: that phase's report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so that a fixture's teardown can tell whether
    the test failed (the browser tests save a screenshot then)."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report
