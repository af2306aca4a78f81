"""The spec of each live picture, told in Chromium: the page is given the record the tab's Python
builds (ui/web.py's LiveSpec) and, once it has drawn, has read every field the record gives and no
other, so a field renamed on either side, or given and never read, fails here."""
import json

import pytest
import torch
from playwright.sync_api import Page, expect

from genlab.serve.lab import Lab
from genlab.serve.web_models import MODELS_PATH
from tests.browser.test_browser import draw_a_seven, grid_drawn, grid_position, open_tab, set_number
from tests.helpers import CHECKPOINTS
from ui import classify, explore, sample, sentences, text_gan
from ui.web import LiveSpec

pytestmark = pytest.mark.usefixtures("readme_screenshots_untouched")
READ_ONLY_WHEN_REFUSED = {"why"}  # the page reads why only when it cannot run the model


def as_compared(spec):
    """The spec with each graph's address as 'a graph': every Lab's models are served under keys of their own."""
    if isinstance(spec, dict):
        return {field: as_compared(value) for field, value in spec.items()}
    if isinstance(spec, list):
        return [as_compared(value) for value in spec]
    return "a graph" if isinstance(spec, str) and spec.startswith(MODELS_PATH) else spec


def specs_on_opening() -> dict[str, LiveSpec]:
    """Each live picture's spec when its tab opens, as the tab's Python builds it for the committed models:
    Classify's reading with the CNN; the explorer on the 2-D VAE and its interpolation; the conditional GAN's grid, walk and
    seed-to-seed interpolation."""
    lab = Lab.load(CHECKPOINTS, torch.device("cpu"))
    grid, walk, between = sample.Handlers(lab).specs("cdcgan", None)
    return {"classify": classify.Handlers(lab).live_spec("cnn", None),
            "explore": explore.Handlers(lab).live_spec("vae2d", lab.checkpoints["vae2d"]),
            "vae-between": explore.Handlers(lab).between_spec("vae2d", lab.checkpoints["vae2d"]),
            "gan-grid": grid, "gan": walk, "gan-between": between,
            **{f"sentences-{spec.action}": spec for spec in sentences.Handlers(lab).specs("textvae", None)},
            "text-gan": text_gan.Handlers(lab).live_spec("textgan", None)}


TABS = {"classify": "Classify", "explore": "VAE explorer", "vae-between": "VAE explorer", "gan-grid": "GAN sampler", "gan": "GAN sampler",
        "gan-between": "GAN sampler", "sentences-rebuild": "Sentences", "sentences-walk": "Sentences",
        "sentences-prior": "Sentences", "text-gan": "Text GAN"}
PRESSED = {"sentences-rebuild": "Rebuild", "sentences-walk": "Walk", "sentences-prior": "New seed",
           "text-gan": "Write"}  # what each does
MEASURED = {"text-gan": text_gan.MEASURE}  # its figures' fields are read when What's happening measures
MEASURED_BY = {"text-gan": "textgan"}  # the name its figures are measured under (ui/web/live.js's measuresIn)
SHOWN = {"sentences-rebuild": "window.genlab.lines?.rebuild", "sentences-walk": "window.genlab.lines?.walk",
         "sentences-prior": "window.genlab.lines?.prior", "text-gan": "window.genlab.textgan"}  # where it shows it


def test_the_page_reads_the_live_spec_python_gives(page: Page):
    for name, spec in specs_on_opening().items():
        panel = open_tab(page, TABS[name])
        if name == "classify":  # it reads drawings
            page.wait_for_function("() => window.genlab?.modes?.classify === 'page'", timeout=30_000)
            draw_a_seven(page, panel)
        if name == "explore":  # Random sample draws the seed's code; a drawing is encoded; What's happening measures
            page.wait_for_function("() => window.genlab?.modes?.explore === 'page'", timeout=30_000)
            panel.get_by_text("What's happening", exact=True).click()
            page.wait_for_function("() => window.genlab.readings?.vaeWords", timeout=30_000)
            page.get_by_role("button", name="Random sample", exact=True).click()
            panel.get_by_text("Encode your own digit", exact=True).click()
            draw_a_seven(page, page.locator("#genlab-vae-pad"))
            panel.get_by_role("button", name="Encode", exact=True).click()
            page.wait_for_function("() => document.querySelector('#genlab-vae-reconstruction-live canvas')"
                                   "?.checkVisibility()")
        if name == "vae-between":  # from a seed to the sliders, then from the visitor's digit: none, then a drawing
            panel.get_by_text("Interpolate between two digits", exact=True).click()
            panel.get_by_role("radio", name="random", exact=True).first.check()
            panel.get_by_label("Test digit number or seed").first.fill("5")
            panel.get_by_role("radio", name="current sliders", exact=True).last.check()
            set_number(panel, "z1", 1.5)
            page.locator("#genlab-vae-pad").get_by_role("button", name="Clear canvas", exact=True).click()  # (open: above)
            panel.get_by_role("radio", name="my drawing", exact=True).first.check()
            expect(page.locator("#genlab-vae-between-live .genlab-notice")).to_contain_text("⚠")
            draw_a_seven(page, page.locator("#genlab-vae-pad"))
            expect(page.locator("#genlab-vae-between-live .genlab-notice")).to_have_text("")
        if name == "gan-between":  # the interpolation is drawn once its accordion opens, and follows its frames
            panel.get_by_text("Interpolate between two seeds", exact=True).click()
            page.wait_for_function("() => window.genlab?.modes?.['gan-between'] === 'page'", timeout=30_000)
            set_number(panel, "Frames", 6)  # once its module listens: a slider's input is how it reads its sliders
        if name == "gan-grid":  # a click on a sample starts the walk there
            grid_drawn(page, seed=0)
            page.mouse.click(*grid_position(page, 2))
        if name in PRESSED:  # a button pressed, and the lines shown
            page.wait_for_function("(name) => window.genlab?.modes?.[name] === 'page'", arg=name, timeout=30_000)
            panel.get_by_role("button", name=PRESSED[name], exact=True).click()
            page.wait_for_function(SHOWN[name])
            if name in MEASURED:  # What's happening measures the lines on screen
                panel.get_by_text("What's happening", exact=True).click()
                panel.get_by_role("button", name=MEASURED[name], exact=True).click()
                page.wait_for_function("(name) => window.genlab.measured?.[name]", arg=MEASURED_BY[name])
        else:
            page.wait_for_function("(name) => window.genlab?.stats?.[name]?.some((drawn) => drawn.how === 'page')",
                                   arg=name, timeout=30_000)
        given = page.evaluate("(name) => window.genlab.specs[name]", name)
        read = set(page.evaluate("(name) => [...window.genlab.read[name]]", name))
        assert as_compared(given) == as_compared(json.loads(spec.to_json())), f"the {name} page's spec"
        assert read - set(given) == set(), f"the {name} page reads fields its record lacks"
        assert set(given) - read == READ_ONLY_WHEN_REFUSED, f"the {name} record gives fields the page never reads"
