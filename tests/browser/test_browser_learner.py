"""What a learner meets, tried as one would on a 1366x768 laptop window and a 390x844 touch phone (each
story runs on both, but typing into a box): every word of the trade defined where a tab shows it, every picture shown whole,
number boxes that apply what was typed on Enter, and a walk that keeps the sample it started from."""
import io
import json
import re

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from genlab.families.generated import budget_steps
from tests.helpers import CHECKPOINTS
from tests.browser.test_browser import (GAN_GRID, TEXT_INSIDE, TEXT_WRITER, draw_a_seven, eventually, grid_drawn,
                                       grid_position, image_bytes, open_tab, set_number)
from tests.browser.test_browser_phone import PHONE, TABS
from ui.glossary import GLOSSARY, SPELLINGS

pytestmark = pytest.mark.usefixtures("readme_screenshots_untouched")
expect.set_options(timeout=20_000)

LAPTOP = {"viewport": {"width": 1366, "height": 768}, "device_scale_factor": 1}
WALK_SAMPLE, WALK_TRUNCATION = "Sample (click one in the grid)", "#genlab-gan-walk-truncation input[type=range]"


@pytest.fixture(scope="module", params=[LAPTOP, PHONE], ids=["laptop", "phone"])
def context(browser: Browser, request) -> BrowserContext:
    """The learner's browser: a laptop's window, then a phone."""
    context = browser.new_context(**request.param)
    context.set_default_timeout(30_000)
    yield context
    context.close()


CUT_OFF = """(panel) => {
  // Every picture (an <img> or a <canvas>) or slider end label ("20" of 1 to 20) on show in the panel
  // whose drawn part reaches past a box that clips it (any overflow but visible), by more than a pixel:
  // its label, and how far on each side.
  const cut = [];
  for (const picture of panel.querySelectorAll('img, canvas, [data-testid=min-value], [data-testid=max-value]')) {
    const box = picture.getBoundingClientRect();
    if (!box.width || !box.height || !picture.checkVisibility()) continue;
    let drawn = { left: box.left, top: box.top, right: box.right, bottom: box.bottom };
    const fit = getComputedStyle(picture).objectFit;
    if (picture.naturalWidth && ['contain', 'scale-down'].includes(fit)) {
      let scale = Math.min(box.width / picture.naturalWidth, box.height / picture.naturalHeight);
      if (fit === 'scale-down') scale = Math.min(scale, 1);
      const [w, h] = [picture.naturalWidth * scale, picture.naturalHeight * scale];
      drawn = { left: box.left + (box.width - w) / 2, top: box.top + (box.height - h) / 2 };
      Object.assign(drawn, { right: drawn.left + w, bottom: drawn.top + h });
    }
    const label = picture.closest('.block')?.querySelector('[data-testid=block-label], [data-testid=block-info]')
      ?.textContent?.trim() + (picture.matches('img, canvas') ? '' : ` (its end label '${picture.textContent}')`);
    if (picture.naturalWidth && fit === 'cover'
        && Math.abs(box.width / box.height - picture.naturalWidth / picture.naturalHeight) > 0.01) {
      cut.push(`${label}: cropped to fill its box (object-fit: cover)`);
    }
    for (let holder = picture.parentElement; holder && holder !== panel; holder = holder.parentElement) {
      const style = getComputedStyle(holder);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const clip = holder.getBoundingClientRect();
      const over = { top: clip.top - drawn.top, bottom: drawn.bottom - clip.bottom,
                     left: clip.left - drawn.left, right: drawn.right - clip.right };
      const sides = Object.entries(over).filter(([, px]) => px > 1).map(([side, px]) => `${Math.round(px)} px at the ${side}`);
      if (sides.length) cut.push(`${label}: ${sides.join(', ')}, clipped by ${holder.tagName.toLowerCase()}.${holder.className}`);
    }
  }
  return [...new Set(cut)];
}"""


SHOWN_TEXT = """(panel) => {
  // The text a person sees in the panel, piece by piece: what the page writes, not what is typed into
  // a box nor drawn in a plot.
  const walker = document.createTreeWalker(panel, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) {
    const holder = walker.currentNode.parentElement;
    if (walker.currentNode.data.trim() && !holder.closest('script, style, svg, textarea, .genlab-term-popover')
        && holder.checkVisibility()) texts.push(walker.currentNode.data);
  }
  return texts;
}"""
DEFINED = """(panel) => [...panel.querySelectorAll('.term, .term-label')]
  .filter((place) => place.checkVisibility()).flatMap((place) => (place.dataset.term ?? place.dataset.terms).split(','))"""
WORDS = re.compile("|".join(rf"(?<![\w-]){re.escape(spelling)}(?![\w-])" for spelling in sorted(
    (spelling for term in GLOSSARY for spelling in (term, *SPELLINGS.get(term, []))), key=len, reverse=True)), re.I)
TERM_OF = {spelling.lower(): term for term in GLOSSARY for spelling in (term, *SPELLINGS.get(term, []))}


def terms_shown(panel: Locator) -> set[str]:
    return {TERM_OF[word.lower()] for text in panel.evaluate(SHOWN_TEXT) for word in WORDS.findall(text)}


def pictures_cut_off(panel: Locator) -> list[str]:
    return panel.evaluate(CUT_OFF)


def pixels(picture: str | bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(picture) if isinstance(picture, bytes) else picture).convert("L"))


def type_and_press_enter(page: Page, box, value: str) -> None:
    box.fill(value)
    box.press("Enter")


@pytest.mark.parametrize("context", [LAPTOP], ids=["laptop"], indirect=True)  # typing is a keyboard's story
def test_a_typed_truncation_applies_on_enter_and_the_walk_keeps_its_sample(page, running_app):
    """Type 0.3 into the GAN grid's Truncation box and press Enter: the grid is redrawn at 0.3 at once
    (it once waited for the box to lose focus, and the next click on a sample then redrew the grid under
    the pointer). A sample clicked next starts the walk at 0.3; typing another truncation keeps the walk
    on that sample, at the new truncation."""
    panel = open_tab(page, "GAN sampler")
    at_one = grid_drawn(page, seed=0, truncation=1)
    truncation = panel.get_by_role("spinbutton", name="Truncation (1 = none)")

    type_and_press_enter(page, truncation, "0.3")
    at_point_three = grid_drawn(page, truncation=0.3)
    assert at_point_three["images"] != at_one["images"]

    page.locator(f"{GAN_GRID} canvas").scroll_into_view_if_needed()  # a click lands only on what is on screen
    page.mouse.click(*grid_position(page, 5))
    expect(panel.get_by_label(WALK_SAMPLE)).to_have_value("5")
    expect(page.locator(WALK_TRUNCATION)).to_have_value("0.3")
    assert page.evaluate("window.genlab.grids.gan.images") == at_point_three["images"], \
        "the click picked a sample; it redrew nothing"

    type_and_press_enter(page, truncation, "0.6")
    expect(page.locator(WALK_TRUNCATION)).to_have_value("0.6")
    expect(panel.get_by_label(WALK_SAMPLE)).to_have_value("5")


def test_every_picture_is_shown_whole(page):
    """A learner goes through the tabs and makes every kind of picture: Classify's reading of a drawn
    7 (with what the model sees), the VAE's interpolation and its end pictures, the GAN grid and walk, a
    short CNN run's live preview of its mistakes. Nothing drawn is cut off by the box it sits in, nor is
    any slider's end label (the Train knobs' "20" once showed as "2")."""
    cut: dict[str, list[str]] = {}

    panel = open_tab(page, "Classify")
    draw_a_seven(page, panel)
    expect(panel.get_by_test_id("label-output-value")).to_have_text("7")
    expect(panel.get_by_label("What drove the answer", exact=True)).to_be_visible()  # drawn by the page
    cut["Classify"] = pictures_cut_off(panel)

    panel = open_tab(page, "VAE explorer")
    panel.get_by_text("Interpolate between two digits", exact=True).click()
    panel.get_by_role("button", name="Interpolate", exact=True).click()
    page.wait_for_function("() => window.genlab.grids?.['vae-between']?.captions.length")  # drawn by the page
    cut["VAE explorer"] = pictures_cut_off(panel)

    panel = open_tab(page, "GAN sampler")
    grid_drawn(page, seed=0)
    cut["GAN sampler"] = pictures_cut_off(panel)

    panel = open_tab(page, "Train")  # the CNN, whose preview is its mistakes, each captioned, in rows
    set_number(panel, "Epochs (passes over the training data)", 0.05)  # a few dozen steps: previews and done
    panel.get_by_role("button", name="Train", exact=True).click()
    expect(panel.get_by_text(re.compile(r"Your classifier is ready"))).to_be_visible(timeout=90_000)
    cut["Train"] = pictures_cut_off(panel)

    assert not any(cut.values()), cut


def test_every_term_a_tab_shows_is_defined_there_on_hover_or_tap(page):
    """A learner meets "KL", "nats", "truncation", "FID"... Every term of the glossary that a tab shows
    is marked somewhere in that tab, and hovering it (with a mouse) or tapping it (on a phone) shows its
    definition, on screen; tapping a slider's title asks what it means without moving the slider."""
    undefined, seen = {}, set()

    def check(view: str, panel: Locator) -> None:
        shown = terms_shown(panel)
        try:  # marked in the frame after they appear (ui/web/terms.js)
            eventually(page, lambda: shown <= set(panel.evaluate(DEFINED)), f"{view}'s terms marked", timeout=5)
        except AssertionError:
            undefined[view] = sorted(shown - set(panel.evaluate(DEFINED)))
        seen.update(shown)

    for tab in TABS:
        panel = open_tab(page, tab)
        expect(panel.locator(".prose").first).to_be_visible()
        check(tab, panel)
    for family, knob in (("VAE", "Beta (weight of the KL term)"),  # each family's knobs in the Train tab
                         ("DCGAN", "Average of the generator's weights kept (0 = its last weights)"),
                         ("Text GAN", "Pre-training epochs (maximum likelihood, before the GAN)")):
        panel.get_by_role("radio", name=family, exact=True).check()
        expect(panel.get_by_role("spinbutton", name=knob)).to_be_visible()  # the server has shown its knobs
        check(f"Train, {family}", panel)
    assert not undefined, f"terms shown without a definition: {undefined}"
    assert {"latent", "KL", "nats", "truncation", "temperature", "beta", "TTUR"} <= seen, seen

    panel = open_tab(page, "GAN sampler")
    title = panel.locator(".term-label").filter(has_text="Truncation (1 = none)")
    box = panel.get_by_role("spinbutton", name="Truncation (1 = none)")
    before = box.input_value()
    if page.evaluate("matchMedia('(pointer: coarse)').matches"):
        title.tap()
    else:
        title.hover()
    popover = page.get_by_role("tooltip")
    expect(popover).to_contain_text(GLOSSARY["truncation"])
    expect(popover).to_be_in_viewport(ratio=1)
    assert box.input_value() == before, "asking what it means changed nothing"
    expect(box).not_to_be_focused()


@pytest.mark.parametrize("context", [LAPTOP], ids=["laptop"], indirect=True)  # the phone's layout is the pictures' story
def test_training_on_generated_digits_says_what_it_costs_and_leads_with_its_result(page):
    """A learner opens "Train on generated digits". Before pressing anything they read how much training
    it is. Once it runs they see the digits the CNN learns from (a row per digit, whole), and the
    headline, above everything, gives recipe A's accuracy as soon as it is measured, over a plot whose
    axis is fitted to the curve (not 0 to 1, where curves a point apart look like one line). Stop ends it."""
    panel = open_tab(page, "Train")
    panel.get_by_text("Train on generated digits", exact=True).click()
    section = page.locator("#generated-digits")
    expect(section.get_by_text(re.compile(rf"each CNN trains {budget_steps():,} steps"))).to_be_visible()
    section.get_by_role("button", name="Train both", exact=True).click()

    drawn = section.locator("#generated-digits-drawn img")
    expect(drawn).to_have_attribute("src", re.compile(r"\S"))
    rows, columns = (len(pixels(image_bytes(page, drawn))) - 4) // 60, 10  # 28 px digits, 2 px apart, doubled
    assert rows == columns, "a row for each digit asked for"
    headline = page.locator("#generated-digits-headline")
    expect(headline).to_contain_text(re.compile(r"trained on real digits: \d+\.\d\d% so far"), timeout=90_000)
    assert headline.bounding_box()["y"] < section.get_by_text(re.compile(r"^Step \d+ of")).first.bounding_box()["y"]
    axis = section.locator(".vega-embed [aria-label^='Y-axis']").first
    expect(axis).to_have_attribute("aria-label", re.compile(r"values from 0\.(8|9)\d* to "))  # near the curves, not 0 to 1
    assert not pictures_cut_off(section)

    panel.get_by_role("button", name="Stop", exact=True).click()
    expect(section.get_by_text(re.compile(r"Stopped at step \d+"))).to_be_visible(timeout=60_000)


def opened_whats_happening(panel: Locator) -> Locator:
    """The tab's What's happening, opened: its diagram, its formula (typeset) and its live words."""
    panel.get_by_text("What's happening", exact=True).click()
    explained = panel.locator(".whats-happening")
    expect(explained.locator(".genlab-stage").first).to_be_visible()
    expect(explained.locator(".katex").first).to_be_visible()
    return explained


def live_words(explained: Locator) -> Locator:
    return explained.locator(".prose.whats-happening-live")


@pytest.mark.parametrize("context", [LAPTOP], ids=["laptop"], indirect=True)  # a phone stacks the columns
def test_on_a_laptop_the_gan_grid_is_on_the_first_screen_and_a_16d_code_uses_the_width(page):
    """A learner on a 1366x768 laptop opens the GAN sampler: the whole grid is on the first screen, its knobs
    in a column beside it. On the 16-D VAE, whose map cannot be drawn, the sliders fill the room the map
    had: every dimension is on show, and the right half of the page is not left empty."""
    panel = open_tab(page, "GAN sampler")
    assert grid_drawn(page, count=32)["columns"] == 8
    box = panel.locator(f"{GAN_GRID} canvas").bounding_box()
    assert box["y"] + box["height"] <= LAPTOP["viewport"]["height"], box

    panel = open_tab(page, "VAE explorer")
    panel.get_by_role("radio", name="VAE, 16-D latent", exact=True).check()
    sliders = panel.get_by_role("slider")
    expect(sliders).to_have_count(16)
    lefts = [b["x"] for b in sliders.evaluate_all("all => all.map((s) => s.getBoundingClientRect().toJSON())")]
    assert max(lefts) > LAPTOP["viewport"]["width"] / 2, lefts


@pytest.mark.parametrize("context", [LAPTOP], ids=["laptop"], indirect=True)  # the phone's grid is the pictures' story
def test_under_each_gan_sample_the_discriminator_says_how_real_it_finds_it(page):
    """A learner reads in What's happening that the generator learns to make D say "real", and asks to see
    D's score under each sample instead of the CNN's reading: the same samples, captioned "D 0.xx", with
    their mean in words, the same mean What's happening gives for the grid on screen when measured."""
    panel = open_tab(page, "GAN sampler")
    read = grid_drawn(page, seed=0)
    explained = opened_whats_happening(panel)
    panel.get_by_role("radio", name="D's chance it is real", exact=True).check()
    judged = grid_drawn(page, under="D's chance it is real")
    assert judged["images"] == read["images"] and all(caption.startswith("D 0.") for caption in judged["captions"])
    summary = panel.locator(f"{GAN_GRID} .genlab-reading")
    expect(summary).to_have_text(re.compile(r"^Under each sample: D's chance that it is real \(their mean: 0\.\d\d\)"))
    mean = re.search(r"their mean: (0\.\d\d)", summary.inner_text()).group(1)
    explained.get_by_role("button", name="Measure the grid on screen").click()
    expect(live_words(explained)).to_contain_text(f"Its mean: {mean} for the samples")
    panel.get_by_role("button", name="New seed", exact=True).click()  # a new grid keeps what it shows under each
    assert grid_drawn(page, mode="samples", under="D's chance it is real")["values"]["seed"] != 0
    expect(summary).to_have_text(re.compile(r"^Under each sample: D's chance that it is real"))


@pytest.mark.parametrize("context", [LAPTOP], ids=["laptop"], indirect=True)  # the words are the same on a phone
def test_every_tab_shows_its_model_and_a_formula_whose_numbers_follow_the_learner(page):
    """In each tab a learner opens "What's happening": the model as loaded, box by box with the shapes it
    hands on, and the objective it was trained on as a formula with numbers from what is on screen. They
    act (draw, set a slider and measure, reseed, type, choose other knobs) and the numbers, or the
    drawing, follow."""
    panel = open_tab(page, "Classify")
    draw_a_seven(page, panel)  # first: opening the panel scrolls the drawing pad away
    explained = opened_whats_happening(panel)
    cnn = json.loads((CHECKPOINTS / "cnn.json").read_text())["config"]
    expect(explained.locator(".genlab-stage").filter(has_text="convolution 3x3").first).to_contain_text(
        f"{cnn['channels'][0]}×28×28")
    expect(live_words(explained)).to_contain_text(re.compile(r"if it is a 7 \(chance 0\.\d+\): loss −log 0\.\d+ = \d"))

    panel = open_tab(page, "VAE explorer")  # the 2-D VAE: a code of two numbers
    explained = opened_whats_happening(panel)
    expect(explained.locator(".genlab-stage").filter(has_text="a code z")).to_contain_text(re.compile(r"\b2$"))
    before = live_words(explained).inner_text()
    box = panel.locator("#genlab-z1").get_by_role("spinbutton")  # the first latent slider's number box
    box.fill("2.5")
    box.press("Enter")  # drawn by the page, which asks the server nothing: the learner asks for the figures
    explained.get_by_role("button", name="Measure the digit the sliders show").click()
    expect(live_words(explained)).not_to_have_text(before)
    expect(live_words(explained)).to_contain_text(re.compile(r"Its code is 2\.50 from the centre"))

    panel = open_tab(page, "GAN sampler")  # the page draws a new grid; the learner asks for its figures
    explained = opened_whats_happening(panel)
    before = live_words(explained).inner_text()
    panel.get_by_role("button", name="New seed", exact=True).click()
    explained.get_by_role("button", name="Measure the grid on screen").click()
    expect(live_words(explained)).not_to_have_text(before)
    expect(live_words(explained)).to_contain_text(re.compile(r"so V = \*?-?\d\.\d{3}"))

    panel = open_tab(page, "Text")
    explained = opened_whats_happening(panel)
    expect(live_words(explained)).to_contain_text("nats a character")
    before = live_words(explained).inner_text()
    panel.get_by_label("Prompt", exact=True).fill("Qxzv")
    explained.get_by_role("button", name="Measure the prompt on screen").click()
    expect(live_words(explained)).not_to_have_text(before)

    panel = open_tab(page, "Sentences")
    explained = opened_whats_happening(panel)
    line = panel.get_by_label("Line", exact=True)
    line.fill("What say you, my lord?")
    panel.get_by_role("button", name="Rebuild", exact=True).click()  # rebuilt in the page; the figures when asked
    explained.get_by_role("button", name="Measure the line on screen").click()
    expect(live_words(explained)).to_contain_text("Your line, 22 characters")

    panel = open_tab(page, "Text GAN")
    explained = opened_whats_happening(panel)
    expect(explained.locator(".genlab-stage").filter(has_text="convolution over")).not_to_have_count(0)
    before = live_words(explained).inner_text()
    panel.get_by_role("button", name="New seed", exact=True).click()
    expect(live_words(explained)).not_to_have_text(before)

    panel = open_tab(page, "Train")  # the network the knobs build, before it learns
    explained = opened_whats_happening(panel)
    panel.get_by_role("radio", name="VAE", exact=True).check()
    expect(explained.locator(".genlab-stage").filter(has_text="transposed convolution").first).to_be_visible()
    set_number(panel, "Latent dimensions", 7)
    expect(explained.locator(".genlab-stage").filter(has_text="a code z")).to_contain_text(re.compile(r"\b7$"))
    expect(live_words(explained)).to_contain_text("negative ELBO")


@pytest.mark.parametrize("context", [LAPTOP], ids=["laptop"], indirect=True)
def test_look_inside_is_filled_for_the_prompt_already_there(page):
    """The Text tab opens with a prompt and its Look inside open: the next-character guesses and the
    prompt's surprise are there before anything is typed (they used to wait for an edit)."""
    panel = open_tab(page, "Text")
    inside = panel.locator(TEXT_INSIDE)
    expect(inside.locator(".genlab-candidate")).to_have_count(8)
    expect(inside.locator(".surprisal span").first).to_be_visible()
    expect(inside.get_by_text(re.compile(r"^Mean surprisal \d+\.\d\d nats"))).to_be_visible()


@pytest.mark.parametrize("context", [LAPTOP], ids=["laptop"], indirect=True)
def test_text_written_slowly_shows_the_chances_each_character_was_drawn_from(page):
    """At the slow pace a learner can follow the LSTM: characters arrive a few a second, and for each one
    the chances it was drawn from are shown, the drawn one marked; Stop stops it mid-line."""
    panel = open_tab(page, "Text")
    panel.get_by_role("radio", name="Slowly, showing each choice", exact=True).check()
    panel.get_by_role("button", name="Write", exact=True).click()
    choice = page.locator(f"{TEXT_WRITER} .genlab-choices")
    expect(choice).to_contain_text(re.compile(r"Character [3-9]: drew"))
    expect(choice.locator(".genlab-choice.chosen")).to_have_count(1)
    expect(choice.locator(".genlab-choice")).to_have_count(6)
    panel.get_by_role("button", name="Stop", exact=True).click()
    text = page.locator(f"{TEXT_WRITER} textarea")
    seen = [text.input_value()]  # a character already on its way may still land: wait until none comes

    def unchanged() -> bool:  # over more than one character's interval at the slow pace
        page.wait_for_timeout(600)
        seen.append(text.input_value())
        return seen[-1] == seen[-2]
    eventually(page, unchanged, "the text stops growing after Stop")
    page.wait_for_timeout(1000)  # then a second, in which the slow pace would have written several more
    assert text.input_value() == seen[-1] and len(seen[-1]) < len("ROMEO:\n") + 400, "Stop ends the slow writing"


@pytest.mark.parametrize("context", [LAPTOP], ids=["laptop"], indirect=True)
def test_an_interpolation_is_drawn_as_a_path_on_the_2d_map(page):
    """On the 2-D VAE a learner interpolates between two test digits: the map then shows the path the
    frames were decoded from, a line across the coloured codes (drawn by the page over the map), which it
    did not before."""
    panel = open_tab(page, "VAE explorer")
    page.wait_for_function("() => window.genlab?.modes?.explore === 'page'", timeout=30_000)
    overlay = panel.locator("#genlab-vae-map canvas.genlab-map-overlay")
    expect(overlay).to_be_attached()
    ink = lambda: overlay.evaluate("(canvas) => canvas.getContext('2d').getImageData(0, 0, canvas.width, "  # noqa: E731
                                   "canvas.height).data.filter((value, i) => i % 4 === 3 && value > 200).length")
    before = ink()
    panel.get_by_text("Interpolate between two digits", exact=True).click()
    panel.get_by_role("button", name="Interpolate", exact=True).click()
    eventually(page, lambda: ink() > before + 200, "a path drawn across the map")


@pytest.mark.parametrize("context", [LAPTOP], ids=["laptop"], indirect=True)
def test_the_gan_grids_buttons_sit_together_and_rows_of_noise_by_its_own(page):
    """New seed and Sample, the two ways to a new grid, sit one above the other; "Rows of noise" sits
    right above "Same noise, every digit", the grid it shapes, not between unrelated buttons."""
    panel = open_tab(page, "GAN sampler")
    box = lambda locator: locator.bounding_box()  # noqa: E731
    new_seed = box(panel.get_by_role("button", name="New seed", exact=True))
    sample = box(panel.get_by_role("button", name="Sample", exact=True))
    assert abs(new_seed["x"] - sample["x"]) < 2 and 0 < sample["y"] - new_seed["y"] < 2 * new_seed["height"]
    rows = box(panel.locator(".block").filter(has=page.get_by_text("Rows of noise", exact=True)).last)
    every = box(panel.get_by_role("button", name="Same noise, every digit", exact=True))
    gap = every["y"] - (rows["y"] + rows["height"])
    assert abs(every["x"] - rows["x"]) < 2 and 0 <= gap < 40, (rows, every)
