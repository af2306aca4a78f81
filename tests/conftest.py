"""What every tier shares: the data and checkpoint folders, the real MNIST test split, the committed
classifiers, a digit drawn as a person draws it, and each test's tier marker, given by its folder."""
import os
from pathlib import Path

import pytest
from PIL import Image

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("GENLAB_DATA", str(Path(__file__).resolve().parents[2] / "shared" / "data"))

from genlab.core.data import load_mnist, load_shakespeare  # noqa: E402
from genlab.core.lines import split_lines  # noqa: E402
from genlab.models.loading import load_checkpoint  # noqa: E402
from tests.helpers import CHECKPOINTS, draw_like_a_person  # noqa: E402

TIERS = ("unit", "models", "app", "browser")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test is marked with its tier, the folder it lives in: `-m unit` runs the unit tier."""
    for item in items:
        tier = Path(item.path).parent.name
        if tier in TIERS:
            item.add_marker(tier)


@pytest.fixture(scope="session")
def mnist_test():
    return load_mnist(train=False)


@pytest.fixture(scope="session")
def cnn():
    return load_checkpoint(CHECKPOINTS / "cnn").model


@pytest.fixture(scope="session")
def mlp():
    return load_checkpoint(CHECKPOINTS / "mlp").model


@pytest.fixture(scope="session")
def lines():
    """tiny-shakespeare's verse lines, the tail held out: what the line models learn and are tested on."""
    return split_lines(load_shakespeare())


@pytest.fixture(scope="session")
def text_vae():
    return load_checkpoint(CHECKPOINTS / "textvae").model


@pytest.fixture(scope="session")
def text_gan():
    return load_checkpoint(CHECKPOINTS / "textgan")


@pytest.fixture(scope="module")
def digit_png(tmp_path_factory, mnist_test) -> str:
    """A test-set 7 drawn as a person would, saved as a PNG: what the live-training stories classify."""
    path = tmp_path_factory.mktemp("digits") / "seven.png"
    Image.fromarray(draw_like_a_person(mnist_test.images[0, 0].numpy())).save(path)
    return str(path)


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
