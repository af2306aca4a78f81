"""What's happening's Measure buttons, answered by the page: a learner opens What's happening under each tab,
changes what is on screen and presses Measure; the figures come from the models running in their browser (the
prompt's cost read by the character LSTM, a typed line's ELBO by the sentence VAE, the text GAN critic's scores),
in the server's words with the server's figures, and no press asks the server."""
import re

import pytest
import torch
from playwright.sync_api import Locator, Page, expect

from genlab.serve.lab import Lab
from tests.browser.test_browser import block_labelled, open_tab, set_number
from tests.browser.test_browser_inference import server_calls
from tests.browser.test_browser_learner import live_words
from tests.helpers import CHECKPOINTS
from ui import sentences, text_gan
from ui.text import explained

pytestmark = pytest.mark.usefixtures("readme_screenshots_untouched")
expect.set_options(timeout=20_000)
NUMBER = re.compile(r"\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def lab() -> Lab:
    return Lab.load(CHECKPOINTS, torch.device("cpu"))


def same_words(page_words: str, server_words: str) -> None:
    """The same words, each figure within one unit of its last digit: the page computes in float64 what torch
    computes in float32, so a figure that sits on a rounding edge may round the other way."""
    assert NUMBER.sub("#", page_words) == NUMBER.sub("#", server_words), (page_words, server_words)
    for shown, said in zip(NUMBER.findall(page_words), NUMBER.findall(server_words)):
        unit = 10.0 ** -len(said.partition(".")[2])
        assert abs(float(shown) - float(said)) <= unit * 1.001, (shown, said, server_words)


def measured(page: Page, panel: Locator, button: str, name: str) -> str:
    """Press the tab's Measure button: the words the page writes, once they show (their first words, rendered)."""
    page.evaluate("() => { window.genlab.measured = {}; }")
    panel.locator(".whats-happening").get_by_role("button", name=button).click()
    words = page.wait_for_function("(name) => window.genlab.measured[name]", arg=name).json_value()
    shown = words.split("\n\n", 1)[1].replace("**", "")[:60]
    expect(live_words(panel.locator(".whats-happening"))).to_contain_text(shown)
    return words


def opened(page: Page, tab: str, mode: str) -> Locator:
    panel = open_tab(page, tab)
    page.wait_for_function(f"() => window.genlab?.modes?.['{mode}'] === 'page'", timeout=30_000)
    panel.get_by_text("What's happening", exact=True).click()
    expect(panel.locator(".whats-happening .katex").first).to_be_visible()
    return panel


def test_every_measure_button_is_answered_by_the_page_in_the_servers_words(page: Page, lab: Lab):
    calls = server_calls(page)
    panel = opened(page, "VAE explorer", "explore")
    box = panel.locator("#genlab-z1").get_by_role("spinbutton")
    box.fill("1.5")
    box.press("Enter")
    words = measured(page, panel, "Measure the digit the sliders show", "vae")
    assert "Its code is 1.50 from the centre" in words
    expect(live_words(panel.locator(".whats-happening"))).to_contain_text("Its code is 1.50 from the centre")

    panel = opened(page, "GAN sampler", "gan-grid")
    panel.get_by_label("Seed", exact=True).first.fill("5")
    words = measured(page, panel, "Measure the grid on screen", "gan")
    page.wait_for_function("(words) => window.genlab.readings.ganWords === words", arg=words)  # the grid on screen's

    panel = opened(page, "Text", "text-inside")
    lstm = lab.checkpoint("lstm", "lstm", "anyone").model
    for prompt, temperature in (("ROMEO:\n", 0.8), ("Qxzv", 1.35), ("To be, or not to be", 0.05), ("~~", 0.8)):
        panel.get_by_label("Prompt", exact=True).fill(prompt)
        set_number(panel, "Temperature", temperature)
        page.wait_for_function("(prompt) => window.genlab.texts.inside?.prompt === prompt", arg=prompt)
        same_words(measured(page, panel, "Measure the prompt on screen", "text"),
                   explained(lstm, prompt, temperature, torch.device("cpu")))

    panel = opened(page, "Sentences", "sentences-rebuild")
    for line in ("What say you, my lord?", "Now is the  winter of our discontent ~", "~"):
        panel.get_by_label("Line", exact=True).fill(line)
        words = measured(page, panel, "Measure the line on screen", "sentences")
        if line == "~":  # the server refuses it (a toast); the page says the same where the figures go
            assert words.endswith("⚠ The line is empty: type a line with letters the model knows.")
            continue
        same_words(words, sentences.Handlers(lab).explain("textvae", line, None))

    panel = opened(page, "Text GAN", "text-gan")
    for count, temperature, seed in ((8, 1, 0), (2, 0.7, 123456789)):
        set_number(panel, "Lines from each", count)
        set_number(panel, "Temperature (1: the distribution the GAN was trained with)", temperature)
        panel.get_by_label("Seed", exact=True).fill(str(seed))
        same_words(measured(page, panel, "Measure the lines on screen", "textgan"),
                   text_gan.Handlers(lab).explain("textgan", count, temperature, seed, None))
    assert calls == [], "no Measure button asks the server"


def test_after_coming_back_from_mine_the_page_measures_again(page: Page, lab: Lab):
    """A learner loads a character LSTM of their own (here a copy of the pretrained one) and writes with it in the
    Text tab (Mine: the server takes that choice). They type a new prompt, and choose the pretrained LSTM again: the
    page replays that choice and measures the prompt on screen with it, in the server's words, asking nothing."""
    panel = open_tab(page, "Train")
    panel.get_by_text("Upload a checkpoint", exact=True).click()
    files = block_labelled(panel, "The .safetensors and .json of one model").last
    files.locator("input[type=file]").set_input_files([CHECKPOINTS / "lstm.safetensors", CHECKPOINTS / "lstm.json"])
    expect(files.get_by_text("lstm.safetensors")).to_be_visible()
    panel.get_by_role("button", name="Load as my model", exact=True).click()
    expect(panel.get_by_text(re.compile(r"^Loaded your character LSTM"))).to_be_visible()

    panel = opened(page, "Text", "text-inside")
    panel.get_by_role("radio", name="Mine (from the Train tab)", exact=True).check()
    page.wait_for_function("() => window.genlab.measured?.text", timeout=30_000)  # the page measured with mine
    prompt = "To be, or not to be"
    panel.get_by_label("Prompt", exact=True).fill(prompt)
    page.wait_for_function("(prompt) => window.genlab.texts.inside?.prompt === prompt", arg=prompt)
    page.evaluate("() => { window.genlab.measured = {}; }")
    calls = server_calls(page)
    panel.get_by_role("radio", name="Character LSTM (tiny-shakespeare)", exact=True).check()
    words = page.wait_for_function("() => window.genlab.measured.text", timeout=30_000).json_value()
    same_words(words, explained(lab.checkpoint("lstm", "lstm", "anyone").model, prompt, 0.8, torch.device("cpu")))
    expect(live_words(panel.locator(".whats-happening"))).to_contain_text(words.split("\n\n", 1)[1].replace("**", "")[:60])
    assert calls == [], "the pretrained model, chosen again, asked the server nothing"
