"""The browser tier: Chromium driven by Playwright, a page per visitor on the app, a screenshot of a
failing story in tests/artifacts/, and the README's screenshots written only when asked."""
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from benchmarks.browser import launch_chromium
from tests.conftest import REPORTS
from tests.helpers import ROOT
from tests.server import built_app, fairness, running_app  # noqa: F401  (fixtures)

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
SCREENSHOTS = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}  # a laptop's window; tests/browser/test_browser_phone.py has its phone

# The browser stories' fixtures (tests/test_browser*.py). Each module says how its visitor's browser
# looks with a `context` fixture (a laptop's window, a phone); `page` opens the app in it.

@pytest.fixture(scope="module")
def browser() -> Browser:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def context(browser: Browser) -> BrowserContext:
    """A laptop's browser profile, one per module: pages share its HTTP cache, so the app's scripts load
    once. A module that tells a phone's stories has its own."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext, running_app, request) -> Page:  # noqa: F811  (the fixture imported above)
    """A new visitor (a new page, so a new Gradio session) on the app's front page, loaded; a
    screenshot of the page in tests/artifacts/ if the test fails. A test marked `blocks(pattern, ...)`
    gets a browser that cannot fetch those addresses from the start."""
    page = context.new_page()
    for blocked in request.node.get_closest_marker("blocks", pytest.mark.blocks()).args:
        page.route(re.compile(blocked), lambda route: route.abort())  # before the page loads: nothing fetches it first
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
        page.wait_for_function(  # every picture on show has loaded (a hidden one may never load: lazily loaded)
            "() => [...document.images].every((image) => image.complete || !image.checkVisibility())")
        taken[name] = page.screenshot(animations="disabled", caret="hide")

    yield take
    reports = request.node.stash.get(REPORTS, {})
    if "call" in reports and reports["call"].passed:
        folder = readme_screenshot_folder(request.config, tmp_path)
        folder.mkdir(parents=True, exist_ok=True)
        for name, png in taken.items():
            (folder / f"{name}.png").write_bytes(png)


