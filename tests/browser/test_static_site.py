"""The static site (`python -m genlab site`), told as a visitor's story: served by Python's plain static file
server, with no genlab server behind it, every tab but Train runs in the page, with the same modules as the
Gradio page and the same answers as the server's endpoints, another model can be chosen in each tab that has
several, and there is no failed request and no page error."""
import json
import re

import numpy as np
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from benchmarks.running_app import ServedFolder
from genlab.commands import deploy
from tests.browser.conftest import VIEWPORT
from tests.browser.test_browser import draw_a_seven, grid_drawn, open_tab, set_number
from tests.browser.test_browser_inference import written_in_page
from tests.browser.test_browser_upload import pictures
from tests.helpers import CHECKPOINTS
from ui.classify import FROM_UPLOAD, UPLOAD_LABEL
from ui.site import TRAIN_TAB, Site, build_site

pytestmark = pytest.mark.usefixtures("readme_screenshots_untouched")
expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def site(built_app) -> Site:
    """The site of the app the tier runs."""
    return build_site(built_app)


@pytest.fixture(scope="module")
def static_site(site, tmp_path_factory):
    """The site, written out and served by `python -m http.server`: its address."""
    folder = tmp_path_factory.mktemp("site")
    site.write(folder)
    with ServedFolder(folder) as url:
        yield url


@pytest.fixture
def visitor(browser: Browser, static_site):
    """A visitor on the static site, and what went wrong in their page: errors and failed requests."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    page = context.new_page()
    trouble: list[str] = []
    page.on("pageerror", lambda error: trouble.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: trouble.append(f"failed: {request.url}"))
    page.on("response", lambda response: trouble.append(f"{response.status}: {response.url}") if response.status >= 400 else None)
    page.goto(static_site)
    yield page, trouble
    context.close()


def measured(page: Page, panel: Locator, button: str, name: str) -> str:
    """What's happening opened and measured, by the page: the words it shows."""
    panel.get_by_text("What's happening", exact=True).click()
    panel.get_by_role("button", name=button, exact=True).click()
    words = page.wait_for_function("(name) => window.genlab.measured?.[name]", arg=name).json_value()
    expect(panel.locator(".whats-happening-live .katex").first).to_be_visible()
    return words


def in_page(page: Page, *names: str) -> None:
    page.wait_for_function("(names) => names.every((name) => window.genlab?.modes?.[name] === 'page')", arg=list(names),
                           timeout=30_000)


def test_the_static_site_runs_every_tab_but_train_with_no_server_behind_it(visitor, running_app, mnist_test):
    page, trouble = visitor
    expect(page.get_by_role("tab")).to_have_text(["Classify", "VAE explorer", "GAN sampler", "Text", "Sentences", "Text GAN",
                                                  "Train"])

    panel = open_tab(page, "Classify")
    in_page(page, "classify")
    draw_a_seven(page, panel)
    expect(panel.get_by_test_id("label-output-value")).to_have_text("7")
    expect(panel.get_by_text(re.compile(r"^Read as 7 with"))).to_be_visible()
    heat = panel.get_by_label("What drove the answer", exact=True).evaluate("(canvas) => canvas.toDataURL()")
    panel.get_by_role("radio", name="MLP (pretrained)", exact=True).check()  # the MLP's explainer, from the site
    page.wait_for_function("(heat) => document.querySelector('[data-picture=why]').toDataURL() !== heat", arg=heat)
    expect(panel.get_by_test_id("label-output-value")).to_have_text("7")
    panel.get_by_text("What's happening", exact=True).click()
    mlp = json.loads((CHECKPOINTS / "mlp.json").read_text())["parameters"]
    expect(panel.locator(".whats-happening-diagram")).to_contain_text(f"{mlp:,} weights")  # the MLP's own diagram
    expect(panel.locator(".whats-happening-live .katex").first).to_be_visible()  # the loss, typeset
    expect(panel.locator(".whats-happening-live")).to_contain_text("loss")
    scan, kind = pictures((mnist_test.images[:4, 0].numpy() * 255).round().astype(np.uint8))["scan.png"]
    panel.get_by_label(UPLOAD_LABEL, exact=True).set_input_files({"name": "scan.png", "mimeType": kind, "buffer": scan})
    expect(panel.get_by_text(re.compile(rf"^Read as 7 with .* {re.escape(FROM_UPLOAD)}$"))).to_be_visible()

    panel = open_tab(page, "VAE explorer")
    in_page(page, "explore")
    drawn = page.evaluate("window.genlab.stats.explore.length")
    set_number(panel, "z1", 1.5)
    page.wait_for_function("(before) => window.genlab.stats.explore.length > before", arg=drawn)
    expect(panel.locator("#genlab-vae-live .genlab-reading")).to_contain_text("The CNN reads this as")
    panel.get_by_text("Interpolate between two digits", exact=True).click()  # from test digits the site holds
    page.wait_for_function("() => window.genlab.grids?.['vae-between']?.titles[0] === 'Test digit 0: a 7'")
    panel.get_by_role("radio", name="VAE, 16-D latent", exact=True).check()  # sixteen sliders, no map
    expect(panel.get_by_role("slider", name="z16")).to_be_attached()
    expect(panel.get_by_alt_text("The 2-D latent space")).to_be_hidden()

    panel = open_tab(page, "GAN sampler")
    in_page(page, "gan-grid")
    panel.get_by_label("Seed", exact=True).first.fill("7")
    panel.get_by_role("button", name="Sample", exact=True).click()
    assert grid_drawn(page, seed=7)["summary"].startswith("The CNN reads these")
    first = page.evaluate("window.genlab.graphs['gan-grid']")
    panel.get_by_role("radio", name="MLP GAN", exact=True).check()
    page.wait_for_function("(first) => window.genlab.graphs['gan-grid'] !== first", arg=first)
    expect(panel.locator("#genlab-gan-digit")).to_be_hidden()  # only the conditional GAN draws a chosen digit
    assert grid_drawn(page, seed=7)["summary"].startswith("The CNN reads these")

    panel = open_tab(page, "Text")
    in_page(page, "text")
    panel.get_by_label("Greedy (always the likeliest)", exact=True).check()
    set_number(panel, "Characters to write", 120)
    written = written_in_page(page, panel)
    text, _, _ = running_app.predict("ROMEO:\n", "lstm", 0.8, 0, 1.0, 120, 0, True, "fast", api_name="/generate")
    assert written["text"] == text, "the static page writes what the server writes"
    measured(page, panel, "Measure the prompt on screen", "text")

    panel = open_tab(page, "Sentences")
    in_page(page, "sentences-rebuild")
    panel.get_by_role("button", name="Rebuild", exact=True).click()
    rebuilt = running_app.predict("textvae", "Now is the winter of our discontent", 0, api_name="/rebuild_line")[0]
    expect(panel.get_by_label("Rebuilt from the code's mean", exact=True)).to_have_value(rebuilt)

    panel = open_tab(page, "Text GAN")
    in_page(page, "text-gan")
    panel.get_by_role("button", name="Write", exact=True).click()
    page.wait_for_function("() => window.genlab.textgan")
    assert page.evaluate("window.genlab.textgan") == running_app.predict("textgan", 8, 1, 0, api_name="/sample_text_gan")[0]
    assert "| Text GAN |" in measured(page, panel, "Measure the lines on screen", "textgan"), "the critic's graph is there"

    panel = open_tab(page, "Train")
    expect(panel).to_contain_text(TRAIN_TAB.split(":")[0])
    assert trouble == [], "no failed request and no page error"


def test_the_site_goes_up_as_a_static_space_whose_every_rule_holds(site):
    files = deploy.static_upload_set(site.files)
    verdicts = deploy.check_static(files)
    assert all(rule.ok for rule in verdicts), verdicts
    graphs = [path for path in files if path.endswith(".onnx")]
    assert graphs and all(deploy.in_lfs(path) for path in graphs), "the graphs go up through LFS"


def test_a_model_trained_in_the_lab_runs_in_the_static_site(page, visitor, tmp_path):
    """A visitor trains a VAE in the whole lab, takes the file its Train tab offers for the static site, and
    opens it in the static site's Train tab: the explorer there runs their VAE in the page (its own graph, its
    sliders), with no failed request and no page error."""
    panel = open_tab(page, "Train")
    panel.get_by_role("radio", name="VAE", exact=True).check()
    expect(panel.get_by_role("slider", name="Beta (weight of the KL term)")).to_be_visible()  # the VAE's knobs came
    set_number(panel, "Time limit (seconds)", 5)
    panel.get_by_role("button", name="Train", exact=True).click()
    expect(panel.get_by_text(re.compile(r"Your VAE is ready"))).to_be_visible(timeout=90_000)
    panel.get_by_role("button", name="For the static site", exact=True).click()
    link = page.locator("#page-model-file a[download]")
    expect(link).to_have_attribute("download", "mine-vae.genlab.json")
    model = tmp_path / "mine-vae.genlab.json"
    model.write_bytes(page.request.get(link.get_attribute("href")).body())
    answers = dict(json.loads(model.read_text())["answers"])
    latent = json.loads(answers["genlab-vae-live"])["latent"]  # my VAE's code size, in the spec the lab gave it

    site, trouble = visitor
    train = open_tab(site, "Train")
    train.get_by_label("Open a model you trained").set_input_files(model)
    expect(train.get_by_text("Your model runs in the VAE explorer tab now.", exact=True)).to_be_visible()
    explore = open_tab(site, "VAE explorer")
    site.wait_for_function("() => window.genlab?.graphs?.explore?.startsWith('blob:')", timeout=30_000)
    in_page(site, "explore")
    assert site.evaluate("window.genlab.specs.explore.latent") == latent
    drawn = site.evaluate("window.genlab.stats.explore.length")
    first = explore.locator("#genlab-z1 input[type=number]")  # my VAE's most used dimension
    first.fill("1.5")
    first.press("Enter")
    site.wait_for_function("(before) => window.genlab.stats.explore.length > before", arg=drawn)
    assert trouble == [], "no failed request and no page error"


def test_a_browser_that_cannot_run_the_models_is_told_what_would(browser: Browser, static_site):
    """A visitor whose browser cannot fetch the runtime (as one without WebAssembly cannot run it) opens the static
    site: each tab says it cannot run the model and that this page has no server to do it instead, naming browsers
    that would; none says that a server draws, for there is none."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.route(re.compile(r"/vendor/onnxruntime-web/"), lambda route: route.abort())
    page.goto(static_site)
    for tab, notice in (("Classify", "#genlab-classify-live"), ("VAE explorer", "#genlab-vae-live"),
                        ("Text", "#genlab-text-live"), ("Sentences", "#genlab-lines-rebuild-live")):
        open_tab(page, tab)
        expect(page.locator(f"{notice} .genlab-notice")).to_have_text(
            "This browser could not run the model, and this page has no server to do it instead: open it in a browser "
            "that runs WebAssembly (a recent Chrome, Edge, Firefox or Safari).")
    expect(page.get_by_text("so the server")).to_have_count(0)
    context.close()
