"""The app in a real browser: a person opens it in Chromium, draws, drags and clicks with the mouse
and keyboard, and sees what they should. Each test is one user's story.

Chromium is started once for the module; every test opens the app in a new page (a new visitor,
a new Gradio session). A failing test leaves a full-page screenshot in tests/artifacts/.

The story tests also take the README's screenshots. A plain run keeps them in the test's temporary
folder and leaves docs/screenshots/ (and `git status`) as it was; to refresh the README's pictures,
run the browser tests with --screenshots, and each passing story writes its docs/screenshots/NAME.png:

    python -m pytest tests/browser/test_browser.py --screenshots

Needs Chromium: Debian's package at /usr/bin/chromium (`apt-get install chromium`), or the path of
any Chromium/Chrome in GENLAB_CHROMIUM."""
import json
import re
import time
from typing import Callable

import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import SCREENSHOTS, readme_screenshot_folder
from tests.helpers import CHECKPOINTS, ROOT, draw_like_a_person

pytestmark = pytest.mark.usefixtures("readme_screenshots_untouched")

# The machine may be busy (2 cores, a training run beside the tests): wait generously, but only as
# long as needed: every wait below is a retrying assertion, none is a fixed sleep.
expect.set_options(timeout=20_000)


def open_tab(page: Page, name: str) -> Locator:
    """Click a tab and return its panel (the one tab panel on screen)."""
    tab = page.get_by_role("tab", name=name, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    return page.get_by_role("tabpanel")


def image_in(panel: Locator, label: str) -> Locator:
    """The <img> of the gr.Image whose block is labelled `label`."""
    return panel.locator(".block").filter(has=panel.page.get_by_text(label, exact=True)).locator("img")


def image_bytes(page: Page, image: Locator) -> bytes:
    """The file the browser shows in an <img>, fetched the way the browser fetched it."""
    response = page.request.get(image.get_attribute("src"))
    assert response.ok, response.status
    return response.body()


def eventually(page: Page, condition, what: str, timeout: float = 20.0) -> None:
    """Poll `condition` until it holds (for checks Playwright's expect cannot express)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Still not there after {timeout:.0f} s: {what}")
        page.wait_for_timeout(100)


def stroke(page: Page, points: list[tuple[float, float]], steps: int = 3) -> None:
    """Press the mouse at the first point, move through the others in small steps, release."""
    page.mouse.move(*points[0])
    page.mouse.down()
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        for i in range(1, steps + 1):
            page.mouse.move(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps)
    page.mouse.up()


def draw_a_seven(page: Page, panel: Locator, stroke: Callable = stroke) -> None:
    """Draw a 7 (a bar, then the stem) on the drawing pad in `panel`, with the mouse or (passing a touch
    `stroke`) a finger, scrolled into view first if it is not."""
    pad = panel.get_by_label("Draw a digit", exact=True)
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    u = box["width"] / 3.6  # about a third of the pad's side
    stroke(page, [(x - 0.8 * u, y - u), (x + 0.8 * u, y - u), (x - 0.15 * u, y + 1.1 * u)])


GAN_GRID = "#genlab-gan-grid-live"  # the GAN sampler's grid, drawn by the page (ui/web/gan_grid.js)
TEXT_WRITER, TEXT_INSIDE = "#genlab-text-live", "#genlab-text-inside"  # the Text tab's writing and look inside, in the page


def grid_drawn(page: Page, **values) -> dict:
    """Wait until the page's GAN grid is drawn for these values of its controls (and mode, 'samples' or
    'every digit'), and say what it shows: its values, captions, summary, columns, cell and samples' pixels."""
    return page.wait_for_function("""(wanted) => {
        const grid = window.genlab?.modes?.['gan-grid'] === 'page' && window.genlab.grids?.gan;
        if (!grid) return null;
        const shown = { ...grid.values, mode: grid.mode };
        return Object.entries(wanted).every(([knob, value]) => shown[knob] === value) ? grid : null;
    }""", arg=values, timeout=30_000).json_value()


def grid_position(page: Page, sample: int) -> tuple[float, float]:
    """Where the middle of sample number `sample` (from 1) of the page's GAN grid is on screen."""
    grid, box = page.evaluate("() => window.genlab.grids.gan"), page.locator(f"{GAN_GRID} canvas").bounding_box()
    row, column = divmod(sample - 1, grid["columns"])
    return box["x"] + (column + 0.5) * grid["cell"], box["y"] + row * (grid["cell"] + 20) + grid["cell"] / 2


def test_readme_screenshots_are_written_to_docs_only_with_the_option(tmp_path):
    class Config:  # just the part of pytest's config the fixture reads
        def __init__(self, screenshots: bool):
            self.screenshots = screenshots

        def getoption(self, name: str) -> bool:
            return {"screenshots": self.screenshots}[name]

    assert readme_screenshot_folder(Config(screenshots=True), tmp_path) == SCREENSHOTS
    plain = readme_screenshot_folder(Config(screenshots=False), tmp_path)
    assert plain.is_relative_to(tmp_path) and not plain.is_relative_to(ROOT)


def test_every_tab_opens_and_shows_its_main_widgets(page):
    classify = open_tab(page, "Classify")
    expect(classify.get_by_label("Draw a digit", exact=True)).to_be_visible()
    expect(classify.get_by_role("button", name="Undo", exact=True)).to_be_visible()
    expect(classify.get_by_text("Prediction", exact=True)).to_be_visible()
    expect(classify.get_by_role("radio", name="CNN (pretrained)", exact=True)).to_be_checked()
    expect(classify.get_by_role("radio", name="MLP (pretrained)", exact=True)).to_be_visible()
    expect(classify.get_by_text("Draw a digit in the box, or upload an image.")).to_be_visible()

    explore = open_tab(page, "VAE explorer")
    expect(explore.get_by_role("radio", name="VAE, 2-D latent", exact=True)).to_be_checked()
    expect(explore.get_by_role("radio", name="VAE, 16-D latent", exact=True)).to_be_visible()
    expect(explore.get_by_role("slider")).to_have_count(2)  # the 2-D model's two latent dimensions
    expect(explore.locator("#genlab-vae-live canvas")).to_be_visible()  # the page decodes (tests/browser/test_browser_inference.py)
    expect(explore.locator("#genlab-vae-map img")).to_be_visible()
    expect(explore.locator("#genlab-vae-live .genlab-reading")).to_have_text(re.compile(r"^The CNN reads this as \d"))
    expect(explore.get_by_role("button", name="Random sample", exact=True)).to_be_visible()
    expect(explore.get_by_role("button", name="Reset", exact=True)).to_be_visible()

    sampler = open_tab(page, "GAN sampler")
    for model in ("MLP GAN", "DCGAN", "Conditional DCGAN"):
        expect(sampler.get_by_role("radio", name=model, exact=True)).to_be_visible()
    expect(sampler.get_by_label("Seed", exact=True)).to_have_value("0")
    expect(sampler.get_by_role("button", name="New seed", exact=True)).to_be_visible()
    expect(sampler.get_by_role("button", name="Sample", exact=True)).to_be_visible()
    expect(sampler.locator(f"{GAN_GRID} canvas")).to_be_visible()  # drawn by the page (tests/browser/test_browser_inference.py)
    expect(sampler.locator(f"{GAN_GRID} .genlab-reading")).to_have_text(re.compile(r"^The CNN reads these 32 samples as"))



def test_classify_a_seven_drawn_with_the_mouse(page, readme_screenshot):
    panel = open_tab(page, "Classify")
    draw_a_seven(page, panel)

    expect(panel.get_by_test_id("label-output-value")).to_have_text("7")
    expect(panel.get_by_text(re.compile(r"^Read as 7 with"))).to_be_visible()
    # What the model sees and what drove the answer are drawn by the page as the pen moves
    # (tests/browser/test_browser_inference.py), each under its title, nothing over them.
    in_page = panel.locator("#genlab-classify-live")
    for title in ("What the model sees", "What drove the answer"):
        picture = panel.get_by_label(title, exact=True)
        expect(picture).to_be_visible()
        heading = in_page.locator(".genlab-live-title", has_text=title)
        assert heading.bounding_box()["y"] + heading.bounding_box()["height"] <= picture.bounding_box()["y"], \
            f"the title '{title}' covers its picture"
        assert heading.evaluate("(title) => title.scrollWidth <= title.clientWidth"), f"'{title}' is cut"
    readme_screenshot(page, "classify")

    # Another model reads the same drawing: its explanation is different, its answer the same.
    why = panel.get_by_label("What drove the answer", exact=True)
    grad_cam = why.evaluate("(canvas) => canvas.toDataURL()")
    panel.get_by_role("radio", name="MLP (pretrained)", exact=True).check()
    eventually(page, lambda: why.evaluate("(canvas) => canvas.toDataURL()") != grad_cam, "the MLP's saliency shows")
    expect(panel.get_by_test_id("label-output-value")).to_have_text("7")
    expect(panel.get_by_text(re.compile(r"^Read as 7 with"))).to_be_visible()


def test_the_first_screen_says_what_this_is_and_invites_a_drawing(page):
    expect(page.get_by_text(re.compile(r"Draw a digit below"))).to_be_in_viewport()
    expect(page.get_by_label("Draw a digit", exact=True).first).to_be_in_viewport()
    expect(page.get_by_text(re.compile(r"^Running on"))).to_be_hidden()  # the machine's facts wait in About
    about = page.get_by_text("About genlab", exact=True)
    about.click()
    expect(page.get_by_text(re.compile(r"^Running on"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"Train.+use it as Mine"))).to_be_visible()


def test_clear_the_drawing_and_draw_the_next_digit_at_once(page):
    panel = open_tab(page, "Classify")
    draw_a_seven(page, panel)
    expect(panel.get_by_test_id("label-output-value")).to_have_text("7")

    panel.get_by_role("button", name="Clear canvas", exact=True).click()
    expect(panel.get_by_text("Draw a digit in the box, or upload an image.")).to_be_visible()
    expect(panel.get_by_test_id("label-output-value")).to_be_hidden()
    draw_a_seven(page, panel)
    expect(panel.get_by_test_id("label-output-value")).to_have_text("7")
    expect(panel.get_by_text(re.compile(r"^Read as 7 with"))).to_be_visible()


def test_choosing_mine_before_training_one_says_so_once_and_keeps_the_tab_working(page):
    panel = open_tab(page, "Classify")
    draw_a_seven(page, panel)
    expect(panel.get_by_test_id("label-output-value")).to_have_text("7")
    cnn, mine = (panel.get_by_role("radio", name=name, exact=True) for name in ("CNN (pretrained)",
                                                                               "Mine (from the Train tab)"))
    mine.check(force=True)  # it does not stay checked: check() itself would wait for that
    warning = page.locator(".toast-body").filter(has_text="You have no classifier of your own yet")
    expect(warning).to_have_count(1)
    expect(cnn).to_be_checked()  # back on the model it read with
    expect(mine).not_to_be_checked()
    expect(panel.get_by_test_id("label-output-value")).to_have_text("7")
    expect(panel.get_by_text(re.compile(r"^Read as 7 with"))).to_have_count(1)
    expect(panel.get_by_text("Error", exact=True)).to_have_count(0)
    panel.get_by_role("radio", name="MLP (pretrained)", exact=True).check()  # the tab still works
    expect(panel.get_by_text(re.compile(r"^Read as 7 with"))).to_be_visible()

    for tab, family, pretrained in (("VAE explorer", "VAE", "VAE, 2-D latent"), ("GAN sampler", "GAN", "Conditional DCGAN"),
                                    ("Text", "character LSTM", "Character LSTM (tiny-shakespeare)"),
                                    ("Sentences", "sentence VAE", "Sentence VAE (tiny-shakespeare lines)"),
                                    ("Text GAN", "text GAN", "Text GAN (tiny-shakespeare lines)")):
        panel = open_tab(page, tab)
        panel.get_by_role("radio", name="Mine (from the Train tab)", exact=True).check(force=True)
        expect(page.locator(".toast-body").filter(has_text=f"You have no {family} of your own yet")).to_have_count(1)
        expect(panel.get_by_role("radio", name=pretrained, exact=True)).to_be_checked()
        expect(panel.get_by_text("Error", exact=True)).to_have_count(0)


def test_the_model_card_reads_as_plain_words(page):
    panel = open_tab(page, "Classify")
    panel.get_by_text("Model card", exact=True).click()
    config = json.loads((CHECKPOINTS / "cnn.json").read_text())["config"]
    card = panel.locator("li").filter(has_text="Architecture:")
    expect(card).to_be_visible()
    expect(card).to_contain_text(f"convolutions of {', '.join(map(str, config['channels']))} channels")
    training = panel.locator("li").filter(has_text="Training:")
    expect(training).to_contain_text(re.compile(r"[\d,]+ steps in \d+ min; \d+ epochs; batches of \d+"))
    for machinery in ("log_every", "bf16", "digits_from", "{", "&#"):  # the config's keys, raw text
        expect(card).not_to_contain_text(machinery)
        expect(training).not_to_contain_text(machinery)
    expect(panel.get_by_role("heading", name=re.compile(r"^Pretrained CNN"))).to_be_visible()


def test_gan_change_the_model_then_new_seed(page, readme_screenshot):
    panel = open_tab(page, "GAN sampler")
    grid, seed = panel.locator(f"{GAN_GRID} canvas"), panel.get_by_label("Seed", exact=True)
    digit = panel.get_by_label("Digit", exact=True)
    every_digit = panel.get_by_role("button", name="Same noise, every digit", exact=True)
    expect(panel.get_by_role("radio", name="Conditional DCGAN", exact=True)).to_be_checked()  # the best opens
    conditional = grid_drawn(page, seed=0, count=32, mode="samples")
    grid_box, title_box = grid.bounding_box(), panel.locator(f"{GAN_GRID} .genlab-live-title").bounding_box()
    assert title_box["y"] + title_box["height"] <= grid_box["y"] + 1, "the title sits above the samples, not on them"
    # No button over the grid. The boxes are read in one go: the panel's buttons come and go as it renders,
    # so one looked up by its place in a list may be gone.
    boxes = panel.get_by_role("button").evaluate_all(
        "buttons => buttons.map((b) => b.getBoundingClientRect().toJSON())")
    assert boxes
    for box in boxes:
        assert box["height"] == 0 or not (
            box["x"] < grid_box["x"] + grid_box["width"] and grid_box["x"] < box["x"] + box["width"]
            and box["y"] < grid_box["y"] + grid_box["height"] and grid_box["y"] < box["y"] + box["height"])

    # An unconditional model: new samples for the same seed, and the digit controls go.
    panel.get_by_role("radio", name="MLP GAN", exact=True).check()
    expect(digit).to_be_hidden()  # the MLP GAN takes no digit
    expect(every_digit).to_be_hidden()
    page.wait_for_function("(before) => window.genlab.grids.gan.images.some((x, i) => x !== before[i])",
                           arg=conditional["images"])

    # The conditional model again: the digit controls come back, and the same seed draws the same grid.
    panel.get_by_role("radio", name="Conditional DCGAN", exact=True).check()
    expect(digit).to_be_visible()
    expect(every_digit).to_be_visible()
    page.wait_for_function("(before) => window.genlab.grids.gan.images.every((x, i) => x === before[i])",
                           arg=conditional["images"])
    expect(panel.locator(f"{GAN_GRID} .genlab-reading")).to_have_text(re.compile(r"as the digit asked for\.$"))

    # The same noise drawn as every digit: one column per digit.
    every_digit.click()
    assert grid_drawn(page, mode="every digit")["columns"] == 10
    expect(panel.locator(f"{GAN_GRID} .genlab-reading")).to_have_text(re.compile(r"^The CNN reads these 40 samples as"))
    expect(seed).to_have_value("0")
    readme_screenshot(page, "gan_sampler")  # seed 0: the same picture on every run

    # New seed: a new number in the seed box and a new grid of the controls' samples.
    panel.get_by_role("button", name="New seed", exact=True).click()
    expect(seed).not_to_have_value("0")
    assert 0 < int(seed.input_value()) < 2**32
    assert grid_drawn(page, seed=int(seed.input_value()), mode="samples")["images"] != conditional["images"]
    expect(panel.locator(f"{GAN_GRID} .genlab-reading")).to_have_text(re.compile(r"^The CNN reads these 32 samples as"))

    # Back to an unconditional model: the digit controls go away again.
    panel.get_by_role("radio", name="DCGAN", exact=True).check()
    expect(digit).to_be_hidden()
    expect(every_digit).to_be_hidden()


def block_labelled(panel: Locator, label: str) -> Locator:
    """The block (one component) whose label is `label`."""
    return panel.locator(".block").filter(has=panel.page.get_by_text(label, exact=True))


def set_number(panel: Locator, label: str, value: float) -> None:
    """Type a value into a slider's number box, as a person does for an exact value."""
    box = panel.get_by_role("spinbutton", name=label)
    box.fill(str(value))
    box.press("Enter")
    expect(panel.get_by_role("slider", name=label)).to_have_value(str(value))


def tab_at_the_top(page: Page) -> None:
    """Scroll the tab strip to the top of the window, so that a screenshot shows the tab, not the header."""
    page.get_by_role("tab", selected=True).evaluate("(tab) => tab.scrollIntoView({block: 'start'})")


def test_text_streams_in_as_it_is_written_and_stop_ends_it(page, readme_screenshot):
    panel = open_tab(page, "Text")
    prompt, text = panel.get_by_label("Prompt", exact=True), page.locator(f"{TEXT_WRITER} textarea")
    typed = "To be, or not to be"
    prompt.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(typed, delay=20)
    expect(prompt).to_have_value(typed)

    # Look inside: the likeliest next characters after the prompt, and how surprising each prompt
    # character was (any model has both; the test does not judge how good its guesses are).
    inside = page.locator(TEXT_INSIDE)  # read in the page (tests/browser/test_browser_inference.py)
    expect(inside.locator("meter")).to_have_count(8)
    expect(inside.locator("span[title$=' nats']")).to_have_count(len(typed))
    expect(inside.get_by_text(re.compile(r"^Mean surprisal [\d.]+ nats"))).to_be_visible()

    # A long text (the slider's maximum, by keyboard) streams in: it grows, always from the prompt.
    panel.get_by_role("slider", name="Characters to write").focus()
    page.keyboard.press("End")
    expect(panel.get_by_role("spinbutton", name="Characters to write")).to_have_value("2000")
    write = panel.get_by_role("button", name="Write", exact=True)
    write.click()

    def settled(seen: list[str]) -> Callable[[], bool]:
        """A condition: the text has not changed for a whole second; every new value joins `seen`."""
        since = {"at": time.monotonic()}

        def check() -> bool:
            value = text.input_value()
            if value.startswith(typed) and (not seen or value != seen[-1]):
                seen.append(value)
                since["at"] = time.monotonic()
            return bool(seen) and time.monotonic() - since["at"] >= 1.0
        return check

    written: list[str] = []
    eventually(page, settled(written), "all 2000 characters written", timeout=60)
    assert len(written) >= 2, "the text grew while it was written, not all at once"
    assert all(b.startswith(a) and len(b) > len(a) for a, b in zip(written, written[1:])), "each piece extends the last"
    assert len(written[-1]) == len(typed) + 2000

    # Stop: write again and stop as soon as the new text appears; it settles well short of 2000 characters.
    write.click()
    eventually(page, lambda: len(text.input_value()) < len(written[-1]), "the new text appearing", timeout=30)
    panel.get_by_role("button", name="Stop", exact=True).click()
    stopped: list[str] = []
    eventually(page, settled(stopped), "the text to stop growing after Stop", timeout=15)
    assert len(stopped[-1]) < len(typed) + 2000, "Stop ended the writing before all 2000 characters"
    assert written[-1].startswith(stopped[-1]), "the same seed writes the same text, cut short"
    tab_at_the_top(page)
    readme_screenshot(page, "text")


def test_sentences_rebuild_a_typed_line_walk_between_two_and_write_new_ones(page, readme_screenshot):
    panel = open_tab(page, "Sentences")
    line = panel.get_by_label("Line", exact=True)
    line.fill("To be, or not to be")
    panel.get_by_role("button", name="Rebuild", exact=True).click()
    rebuilt = panel.get_by_label("Rebuilt from the code's mean", exact=True)
    expect(rebuilt).not_to_have_value("")
    expect(panel.locator("#drawn-lines li")).to_have_count(4)
    expect(panel.get_by_text(re.compile(r"^The code holds [\d.]+ nats about this line"))).to_be_visible()

    panel.get_by_label("First line", exact=True).fill("I will not go to bed tonight.")
    panel.get_by_label("Second line", exact=True).fill("What say you, my lord?")
    set_number(panel, "Steps", 5)
    panel.get_by_role("button", name="Walk", exact=True).click()
    expect(panel.locator("#walked-lines li")).to_have_count(5)

    panel.get_by_role("button", name="Write", exact=True).click()
    expect(panel.locator("#prior-lines li")).to_have_count(8)
    seed = panel.get_by_label("Seed", exact=True)
    first_lines = panel.locator("#prior-lines").inner_text()
    panel.get_by_role("button", name="New seed", exact=True).click()
    expect(seed).not_to_have_value("0")
    eventually(page, lambda: panel.locator("#prior-lines").inner_text() != first_lines, "new lines for a new seed")
    tab_at_the_top(page)
    readme_screenshot(page, "sentences")

    line.fill("\u4e2d\u6587")  # characters the model has never seen: nothing left to read
    panel.get_by_role("button", name="Rebuild", exact=True).click()
    expect(page.get_by_text("The line is empty: type a line with letters the model knows.").first).to_be_visible()


def test_text_gan_lines_beside_the_pretrained_generator_and_the_lstm(page, readme_screenshot):
    panel = open_tab(page, "Text GAN")
    panel.get_by_role("button", name="Write", exact=True).click()
    table = panel.locator("table").first
    for column in ("Text GAN", "Before adversarial training", "Character LSTM"):
        expect(table.get_by_role("columnheader", name=column, exact=True)).to_be_visible()
    expect(table.locator("tr")).to_have_count(8 + 2)
    expect(table.get_by_text(re.compile(r"nats/char to the LSTM"))).to_have_count(3)
    expect(panel.get_by_text(re.compile(r"^Measured on 1000 lines each"))).to_be_visible()
    tab_at_the_top(page)
    readme_screenshot(page, "text_gan")


def test_compare_two_gan_recipes_side_by_side(page):
    """A person chooses the DCGAN, reads what the tuning knobs are for, and compares one against two
    discriminator updates per generator update: recipe B waits for A, then both grids, both curves
    and one table of results are on the page."""
    panel = open_tab(page, "Train")
    expect(panel.get_by_text(re.compile(r"^More keep the discriminator ahead"))).to_be_hidden()  # the CNN's knobs
    panel.get_by_role("radio", name="DCGAN", exact=True).check()
    expect(panel.get_by_text(re.compile(r"^More keep the discriminator ahead"))).to_be_visible()
    expect(panel.get_by_role("spinbutton", name="Generator's LeakyReLU slope (0 = ReLU)")).to_have_value("0")
    set_number(panel, "Channels (the larger layer has twice as many)", 8)
    set_number(panel, "Noise dimensions", 16)
    set_number(panel, "Epochs (passes over the training data)", 0.05)
    set_number(panel, "Time limit (seconds)", 60)
    panel.get_by_text("Compare two recipes", exact=True).click()
    panel.get_by_placeholder("for example d_steps=2").fill("d_steps=2")
    panel.get_by_role("button", name="Compare", exact=True).click()

    expect(panel.get_by_text("Waits for recipe A, then trains in the same slot.")).to_be_visible(timeout=60_000)
    results = panel.locator("#compare-results")
    expect(results.get_by_role("columnheader", name="B: d_steps=2")).to_be_visible(timeout=240_000)
    expect(results.get_by_role("columnheader", name="A: the base recipe")).to_be_visible()
    expect(results.get_by_role("cell", name="Digits as the CNN reads the samples")).to_be_visible()
    expect(panel.get_by_text(re.compile(r"^✅ Finished"))).to_have_count(2)
    for recipe in ("a", "b"):  # each recipe's final grid
        expect(panel.locator(f"#compare-{recipe} img")).to_have_attribute("src", re.compile(r"\S"))
    expect(panel.get_by_text("B: g loss", exact=True)).to_be_visible()  # both recipes' curves, one legend
    expect(panel.get_by_text("A: g loss", exact=True)).to_be_visible()


def test_comparing_vaes_suggests_a_vae_knob_and_shows_no_digit_histogram(page):
    """A learner opens the comparison for a VAE: the examples name a knob a VAE has (beta, not the
    GANs' d_steps), and the GANs' digit histogram, which a VAE cannot fill, is not there; back on a
    GAN, both return."""
    panel = open_tab(page, "Train")
    panel.get_by_text("Compare two recipes", exact=True).click()
    panel.get_by_role("radio", name="VAE", exact=True).check()
    expect(panel.get_by_placeholder("for example beta=4")).to_be_visible()
    expect(panel.get_by_placeholder(re.compile("d_steps"))).to_have_count(0)
    expect(page.locator("#compare-histogram")).to_be_hidden()
    panel.get_by_role("radio", name="DCGAN", exact=True).check()
    expect(panel.get_by_placeholder("for example d_steps=2")).to_be_visible()
    expect(page.locator("#compare-histogram")).to_be_visible()


def test_train_a_cnn_stop_it_and_read_a_drawing_with_it(page, readme_screenshot):
    panel = open_tab(page, "Train")
    panel.get_by_role("radio", name="CNN classifier", exact=True).check()
    set_number(panel, "Time limit (seconds)", 20)
    set_number(panel, "Epochs (passes over the training data)", 0.5)
    panel.get_by_role("button", name="Train", exact=True).click()

    # Progress: a bar and "Step N of M", with N rising, and the loss curve drawn as it comes.
    progress = panel.get_by_text(re.compile(r"^Step \d+ of \d+, epoch"))
    expect(progress).to_be_visible(timeout=60_000)  # the first step waits for the data to load
    expect(panel.locator("progress")).to_be_visible()
    step = lambda: int(re.search(r"Step (\d+) of", progress.inner_text()).group(1))  # noqa: E731
    first = step()
    loss_plot = panel.locator(".vega-embed").filter(has_text="Training loss (running mean)")
    expect(loss_plot.locator(".mark-line path").first).to_have_attribute("d", re.compile(r"\d.*L.*\d"))
    eventually(page, lambda: step() > first, "the step count rising")

    # What it learns, early: its mistakes on test digits, and its accuracy on a plot of its own.
    preview = image_in(panel, "Live preview: test digits it gets wrong, each captioned with what it read")
    expect(preview).to_have_attribute("src", re.compile(r"\S"))
    expect(progress).to_be_visible()  # still running
    accuracy_plot = panel.locator(".vega-embed").filter(has_text="Measured as it learns")
    expect(accuracy_plot.get_by_text("train accuracy", exact=True)).to_be_visible()
    expect(loss_plot.get_by_text(re.compile(r"accuracy"))).to_have_count(0)
    expect(accuracy_plot.locator("[aria-roledescription='axis']").last).to_have_attribute(
        "aria-label", re.compile(r"^Y-axis titled 'accuracy'"))
    tab_at_the_top(page)
    readme_screenshot(page, "train")  # mid-run: the bar, the step count, the curves and mistakes so far

    # Stop: the run ends within seconds, keeps what it learned and offers the checkpoint pair.
    panel.get_by_role("button", name="Stop", exact=True).click()
    expect(panel.get_by_text(re.compile(r"Stopped at step \d+|Finished: \d+ steps"))).to_be_visible(timeout=60_000)
    expect(panel.get_by_text(re.compile(r"Your classifier is ready"))).to_be_visible()
    download = block_labelled(panel, "Download your model (.safetensors + .json)")
    expect(download.get_by_label("cnn.safetensors", exact=True)).to_be_visible()
    expect(download.get_by_label("cnn.json", exact=True)).to_be_visible()
    expect(download.get_by_test_id("download-link")).to_have_count(2)
    expect(download.get_by_role("button", name="Remove this file")).to_have_count(0)  # not the visitor's to remove
    expect(panel.get_by_role("columnheader", name="Result", exact=True)).to_be_visible()

    # The model is mine in the Classify tab: it reads a drawing (after a few seconds of training
    # its answer may be wrong; that it answers, with this session's model, is the point).
    classify = open_tab(page, "Classify")
    classify.get_by_role("radio", name="Mine (from the Train tab)", exact=True).check()
    classify.get_by_text("Model card", exact=True).click()
    expect(classify.get_by_role("heading", name=re.compile(r"^Your own CNN"))).to_be_visible()
    draw_a_seven(page, classify)
    expect(classify.get_by_test_id("label-output-value")).to_have_text(re.compile(r"^\d$"))
    expect(classify.get_by_text(re.compile(r"^Read as \d with"))).to_be_visible()


def test_classify_an_uploaded_photo_after_a_file_that_is_not_one(page, mnist_test, tmp_path):
    not_a_picture, photo = tmp_path / "holiday.png", tmp_path / "seven.png"
    not_a_picture.write_text("these are words, not pixels")
    Image.fromarray(draw_like_a_person(mnist_test.images[0, 0].numpy())).save(photo)  # a 7 on a big white page
    panel = open_tab(page, "Classify")
    page.wait_for_function("() => window.genlab?.modes?.classify === 'page'", timeout=30_000)
    upload = panel.get_by_label("...or upload an image", exact=True)  # the page's box: the picture stays in the page

    upload.set_input_files(not_a_picture)
    expect(panel.get_by_text("⚠ This file is not an image that can be read (PNG, JPEG, WebP, GIF or BMP).")).to_be_visible()
    expect(panel.get_by_test_id("label-output-value")).to_have_count(0)  # no answer for it

    upload.set_input_files(photo)
    expect(panel.get_by_test_id("label-output-value")).to_have_text("7")
    expect(panel.get_by_text(re.compile(r"^Read as 7 with.*Read from the uploaded image\.$"))).to_be_visible()
    expect(panel.get_by_label("What the model sees", exact=True)).to_be_visible()


def test_with_a_drawing_and_an_upload_on_screen_the_reading_says_which_it_read(page, mnist_test, tmp_path):
    """A learner draws a 7, then uploads a picture of a 2: both are on screen, so the reading says it
    read the upload; drawing again reads the drawing, and says so."""
    two = tmp_path / "two.png"
    Image.fromarray(draw_like_a_person(mnist_test.images[1, 0].numpy())).save(two)  # test digit 1 is a 2
    panel = open_tab(page, "Classify")
    page.wait_for_function("() => window.genlab?.modes?.classify === 'page'", timeout=30_000)  # the page's box shows
    draw_a_seven(page, panel)
    expect(panel.get_by_text(re.compile(r"^Read as 7 with.*Read from your drawing\.$"))).to_be_visible()
    panel.get_by_label("...or upload an image", exact=True).set_input_files(two)
    expect(panel.get_by_test_id("label-output-value")).to_have_text("2")
    expect(panel.get_by_text(re.compile(r"^Read as 2 with.*Read from the uploaded image\.$"))).to_be_visible()
    draw_a_seven(page, panel)
    expect(panel.get_by_text(re.compile(r"^Read as 7 with.*Read from your drawing\.$"))).to_be_visible()


def test_load_a_checkpoint_pair_and_use_it_as_mine(page):
    panel = open_tab(page, "Train")
    panel.get_by_text("Upload a checkpoint", exact=True).click()
    files = block_labelled(panel, "The .safetensors and .json of one model").last
    load = panel.get_by_role("button", name="Load as my model", exact=True)

    # Half a checkpoint: the app says what it needs.
    files.locator("input[type=file]").set_input_files(CHECKPOINTS / "vae.json")
    expect(files.get_by_text("vae.json")).to_be_visible()
    load.click()
    expect(page.locator(".toast-body").filter(has_text="Upload two files together")).to_be_visible()

    # Both files of the 16-D VAE: it is mine, and the explorer decodes with it.
    files.get_by_role("button", name="Clear", exact=True).first.click()
    files.locator("input[type=file]").set_input_files([CHECKPOINTS / "vae.safetensors", CHECKPOINTS / "vae.json"])
    expect(files.get_by_text("vae.safetensors")).to_be_visible()
    load.click()
    expect(panel.get_by_text(re.compile(r"^Loaded your VAE \(vae, [\d,]+ parameters\)"))).to_be_visible()
    explore = open_tab(page, "VAE explorer")
    explore.get_by_role("radio", name="Mine (from the Train tab)", exact=True).check()
    expect(explore.get_by_role("slider")).to_have_count(16)  # mine has 16 dimensions, every one on show
    # (the page runs it: tests/browser/test_browser_inference.py::test_my_own_vae_runs_in_the_page)


def test_the_loss_curve_is_drawn_where_a_person_can_see_it(page):
    panel = open_tab(page, "Train")
    set_number(panel, "Time limit (seconds)", 5)
    set_number(panel, "Epochs (passes over the training data)", 0.05)
    panel.get_by_role("button", name="Train", exact=True).click()
    loss_plot = panel.locator(".vega-embed").filter(has_text="Training loss (running mean)")
    curve = loss_plot.locator("path[aria-roledescription='line mark']").first
    expect(curve).to_have_attribute("d", re.compile(r"\d.*L.*\d"), timeout=60_000)  # the data has arrived
    expect(loss_plot.locator("[aria-roledescription='axis']").last).to_have_attribute(
        "aria-label", re.compile(r"^Y-axis titled 'loss' for a linear scale"), timeout=2_000)
    expect(curve).to_have_attribute("stroke", re.compile(r"^(#|rgb)"), timeout=2_000)
