"""Shared fixtures: the real MNIST test split, the committed checkpoints, a running app, and the
browser stories' Chromium, pages and README screenshots."""
import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("GENLAB_DATA", str(ROOT.parent / "shared" / "data"))

from benchmarks.browser import launch_chromium  # noqa: E402
from genlab.core.checkpoint import checkpoint_dir  # noqa: E402
from genlab.core.data import load_mnist  # noqa: E402
from genlab.models.loading import load_checkpoint  # noqa: E402
from genlab.serve.fairness import Fairness  # noqa: E402

CHECKPOINTS = checkpoint_dir()  # the app's: GENLAB_CHECKPOINTS, else the committed ones
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SCREENSHOTS = ROOT / "docs" / "screenshots"


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


@pytest.fixture(scope="module")
def digit_png(tmp_path_factory, mnist_test) -> str:
    """A test-set 7 drawn as a person would, saved as a PNG: what the live-training stories classify."""
    path = tmp_path_factory.mktemp("digits") / "seven.png"
    Image.fromarray(draw_like_a_person(mnist_test.images[0, 0].numpy())).save(path)
    return str(path)


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


# The browser stories' fixtures (tests/test_browser*.py). Each module says how its visitor's browser
# looks with a `context` fixture (a laptop's window, a phone); `page` opens the app in it.

@pytest.fixture(scope="module")
def browser() -> Browser:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(context: BrowserContext, running_app, request) -> Page:
    """A new visitor (a new page, so a new Gradio session) on the app's front page, loaded; a
    screenshot of the page in tests/artifacts/ if the test fails."""
    page = context.new_page()
    page.goto(running_app.src)
    expect(page.get_by_role("tab", name="Classify", exact=True)).to_be_visible(timeout=60_000)
    yield page
    reports = request.node.stash.get(REPORTS, {})
    if any(report.failed for report in reports.values()):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', request.node.name)}.png",
                        full_page=True)
    page.close()


def readme_screenshot_folder(config: pytest.Config, tmp_path: Path) -> Path:
    """Where a passing story test writes its README screenshots: docs/screenshots/ when the run was
    asked to refresh them (--screenshots), else the test's temporary folder, outside the tree."""
    return SCREENSHOTS if config.getoption("screenshots") else tmp_path / "screenshots"


def readme_screenshots_now() -> dict[str, tuple[bytes, int]]:
    """Each PNG in docs/screenshots/: its bytes and modification time (ns)."""
    return {path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in sorted(SCREENSHOTS.glob("*.png"))}


@pytest.fixture(scope="module")
def readme_screenshots_untouched(request):
    """A run without --screenshots leaves docs/screenshots/ as it found it: no file written,
    rewritten or added (checked when the module's tests are done; a failure shows as an error).
    Each browser module asks for it (pytestmark)."""
    if request.config.getoption("screenshots"):
        yield
        return
    before = readme_screenshots_now()
    yield
    assert readme_screenshots_now() == before, "a run without --screenshots changed docs/screenshots/"


@pytest.fixture
def readme_screenshot(request, tmp_path):
    """Take a screenshot for the README now; if the test passes it is written to docs/screenshots/
    (with --screenshots) or to the test's temporary folder (without)."""
    taken: dict[str, bytes] = {}

    def take(page: Page, name: str) -> None:
        page.wait_for_function("() => [...document.images].every((image) => image.complete)")
        taken[name] = page.screenshot(animations="disabled", caret="hide")

    yield take
    reports = request.node.stash.get(REPORTS, {})
    if "call" in reports and reports["call"].passed:
        folder = readme_screenshot_folder(request.config, tmp_path)
        folder.mkdir(parents=True, exist_ok=True)
        for name, png in taken.items():
            (folder / f"{name}.png").write_bytes(png)


