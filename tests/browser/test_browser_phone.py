"""The app on a phone: a visitor opens it in Chromium as a 390x844 touch screen (mobile, 3x pixels)
and uses it with a finger. Touches are real touch input, sent through the DevTools protocol as a
phone's screen sends them, so the page's own gesture handling (drawing, scrolling) runs.

Uses the browser, page and screenshot fixtures of tests/browser/conftest.py; `context` here is the phone.
Its README screenshot (docs/screenshots/phone_classify.png) is written only with --screenshots:

    python -m pytest tests/browser/test_browser_phone.py --screenshots"""
import base64
import io
import re

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.test_browser import GAN_GRID, TEXT_INSIDE, draw_a_seven, grid_drawn, open_tab

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
FINGER = 44  # CSS pixels: the smallest comfortable touch target
TABS = ("Classify", "VAE explorer", "GAN sampler", "Text", "Sentences", "Text GAN", "Train")

pytestmark = pytest.mark.usefixtures("readme_screenshots_untouched")
expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def context(browser: Browser) -> BrowserContext:
    """A phone: its pages share the HTTP cache, so the app's scripts load once."""
    context = browser.new_context(**PHONE)
    context.set_default_timeout(30_000)
    yield context
    context.close()


def touch(page: Page, points: list[tuple[float, float]], steps: int = 3) -> None:
    """A finger put down at the first point, moved through the others in small steps, lifted."""
    cdp = page.context.new_cdp_session(page)

    def send(kind: str, at: tuple[float, float] | None = None) -> None:
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": at[0], "y": at[1]}] if at else []})

    send("touchStart", points[0])
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        for i in range(1, steps + 1):
            send("touchMove", (x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps))
    send("touchEnd")
    cdp.detach()


def centre(locator: Locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_phone_draw_a_digit_and_read_it_on_one_screen(page, readme_screenshot):
    # The first screen says what this is, and every tab is in reach, none behind a menu.
    expect(page.get_by_text(re.compile(r"Draw a digit below"))).to_be_in_viewport()
    expect(page.get_by_text(re.compile(r"^Running on"))).to_be_hidden()
    for name in TABS:
        expect(page.get_by_role("tab", name=name, exact=True)).to_be_in_viewport()

    # The drawing pad's tools are big enough for a finger, and none covers the drawing.
    panel = open_tab(page, "Classify")
    pad = panel.get_by_label("Draw a digit", exact=True).bounding_box()
    for tool in ("Undo", "Clear canvas"):
        box = panel.get_by_role("button", name=tool, exact=True).bounding_box()
        assert box["width"] >= FINGER and box["height"] >= FINGER, f"{tool}: {box['width']}x{box['height']} px"
        assert box["x"] >= pad["x"] + pad["width"] or box["y"] >= pad["y"] + pad["height"], f"{tool} covers the drawing"

    # A 7 drawn with a finger is read, and the reading shows on the same screen as the drawing.
    draw_a_seven(page, panel, stroke=touch)
    answer = panel.get_by_test_id("label-output-value")
    expect(answer).to_have_text("7")
    expect(answer).to_be_in_viewport()
    expect(panel.get_by_label("Draw a digit", exact=True)).to_be_in_viewport()
    assert page.evaluate("window.scrollY") == 0, "drawing scrolled the page"
    readme_screenshot(page, "phone_classify")

    # Clear with a tap, and the next digit can be drawn at once.
    touch(page, [centre(panel.get_by_role("button", name="Clear canvas", exact=True))], steps=1)
    expect(panel.get_by_text("Draw a digit in the box, or upload an image.")).to_be_visible()
    draw_a_seven(page, panel, stroke=touch)
    expect(answer).to_have_text("7")
    expect(panel.get_by_text(re.compile(r"^Read as 7 with"))).to_be_in_viewport()


def test_phone_a_swipe_on_a_slider_scrolls_and_a_tap_shows_a_characters_surprise(page):
    panel = open_tab(page, "Text")
    panel.get_by_label("Prompt", exact=True).fill("To be")

    # A tap on a character of the prompt shows how surprising it was, as hovering does with a mouse.
    character = panel.locator(f"{TEXT_INSIDE} .surprisal span").nth(3)
    character.scroll_into_view_if_needed()
    touch(page, [centre(character)], steps=1)
    expect(character).to_be_focused()
    shown = character.evaluate("(span) => getComputedStyle(span, '::after').content")
    assert re.fullmatch(r"\"'b': [\d.]+ nats\"", shown), shown

    # A swipe up that starts on a slider's track scrolls the page and leaves the slider as it was.
    slider, number = (panel.get_by_role(role, name="Temperature") for role in ("slider", "spinbutton"))
    slider.scroll_into_view_if_needed()
    before, scrolled = number.input_value(), page.evaluate("window.scrollY")
    box = slider.bounding_box()
    x, y = box["x"] + box["width"] * 0.1, box["y"] + box["height"] / 2
    touch(page, [(x, y), (x, y - 250)], steps=10)
    expect(number).to_have_value(before)
    assert page.evaluate("window.scrollY") > scrolled, "the swipe did not scroll the page"

    # Dragging the slider's knob still moves it.
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    low, high = float(slider.get_attribute("min")), float(slider.get_attribute("max"))
    knob = (box["x"] + box["width"] * (float(before) - low) / (high - low), box["y"] + box["height"] / 2)
    touch(page, [knob, (knob[0] + box["width"] / 4, knob[1])], steps=6)
    expect(number).not_to_have_value(before)
    assert float(number.input_value()) > float(before)


def test_phone_text_gan_shows_lines_at_once_and_its_tables_fit(page):
    panel = open_tab(page, "Text GAN")
    lines = panel.locator("table").first
    expect(lines.locator("tr")).to_have_count(8 + 2)  # without pressing Write
    expect(lines.get_by_text(re.compile(r"distinct 4-grams"))).to_have_count(len(lines.locator("th").all()))
    expect(panel.get_by_text(re.compile(r"3-grams"))).to_have_count(0)
    expect(panel.get_by_role("columnheader", name="distinct 4-grams", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"], \
        "the page is wider than the phone"
    header = panel.get_by_role("columnheader", name="Generator", exact=True)
    header.scroll_into_view_if_needed()
    lines_of_text = header.evaluate("(th) => { const r = document.createRange(); r.selectNodeContents(th); "
                                    "return new Set([...r.getClientRects()].map((box) => Math.round(box.top))).size; }")
    assert lines_of_text == 1, "the word 'Generator' is broken across lines"


def test_phone_gan_sample_captions_are_readable(page):
    """On a phone the page draws the GAN grid in as many columns as fit its width (eight made each caption
    about 7 px tall), so each caption stays as readable as on a laptop, and the grid stays on the screen;
    the every-digit grid keeps each noise's digits together, five a row."""
    panel = open_tab(page, "GAN sampler")
    shown = grid_drawn(page, seed=0, count=32)
    expect(panel.locator(f"{GAN_GRID} .genlab-reading")).to_have_text(re.compile(r"^The CNN reads these 32 samples as"))
    canvas = panel.locator(f"{GAN_GRID} canvas")
    png = base64.b64decode(canvas.evaluate("(canvas) => canvas.toDataURL('image/png')").split(",", 1)[1])
    picture = Image.open(io.BytesIO(png)).convert("L")
    box = canvas.bounding_box()
    height = caption_height(np.asarray(picture), samples=32) * box["width"] / picture.width
    assert shown["columns"] < 8 and height >= 9, f"{shown['columns']} columns: the captions are {height:.1f} CSS px tall"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"], box
    # The same noise as every digit: each noise's ten digits over two rows of five, never split unevenly.
    panel.get_by_role("button", name="Same noise, every digit", exact=True).click()
    assert grid_drawn(page, mode="every digit")["columns"] == 5


def caption_height(grid: np.ndarray, samples: int) -> int:
    """How tall (in the picture's pixels) the ink of the first caption row is, in a grid of `samples`
    square tiles each with a caption band beneath: the layout is the one whose band is thinner than a
    tile; the text is the dark pixels in the band."""
    height, width = grid.shape
    for columns in (c for c in range(1, samples + 1) if samples % c == 0):
        tile, band = width // columns, height // (samples // columns) - width // columns
        if 0 < band < tile:
            inked = np.flatnonzero((grid[tile:tile + band] < 128).any(axis=1))
            return int(inked[-1] - inked[0] + 1) if len(inked) else 0
    raise AssertionError("the picture is not a grid of captioned tiles")
