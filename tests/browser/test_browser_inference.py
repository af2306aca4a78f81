"""The image models running in the visitor's browser (ONNX Runtime Web), told as visitors' stories in
Chromium: a drawing is read and explained in the page while the pen moves, as the server would; dragging a VAE
slider or walking a GAN sample redraws in the page without asking the server,
and what the page draws is what the server's own endpoints draw for the same values (within 1/255 per
pixel); hovering the 2-D map decodes the point under the pointer; a visitor's own VAE runs in the page
too; and where the runtime cannot load, the tab says so once and the server draws instead."""
import base64
import html
import io
import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from genlab.core.images import CAPTION_ROW
from genlab.core.seeds import MAX_SEED, gaussian
from genlab.inference import sampler
from genlab.inference.explorer import Explorer
from genlab.inference.classify import SHOWN, Reading, captions, read_digit
from genlab.inference.latent import path as latent_path
from genlab.inference.latent import to_code
from genlab.inference.objectives import decoded_elbo, gan_value, real_digits
from genlab.inference.preprocess import open_drawing, prepare_digit
from genlab.inference.writer import insight
from genlab.models.loading import load_checkpoint
from tests.browser.test_browser import (GAN_GRID, TEXT_WRITER, block_labelled, draw_a_seven, eventually, grid_drawn,
                                       grid_position, image_bytes, image_in, open_tab, set_number, stroke)
from tests.helpers import CHECKPOINTS
from ui.classify import FROM_DRAWING, LIVE_ID
from ui.text import explained
from ui.whats_happening import classify_words, gan_words, vae_words

SLIDERS = 16
VAE_BETWEEN = "#genlab-vae-between-live"  # the explorer's interpolation, drawn by the page (ui/web/vae_between.js)
pytestmark = pytest.mark.usefixtures("readme_screenshots_untouched")
expect.set_options(timeout=20_000)


def drawn_in_page(page: Page, name: str) -> None:
    """Wait until the tab's live picture is drawn by the page (its graphs fetched and loaded)."""
    page.wait_for_function(f"() => window.genlab?.modes?.['{name}'] === 'page'", timeout=30_000)


def server_calls(page: Page) -> list[str]:
    """Every call the page sends to the server's queue from now on (a list that keeps filling)."""
    calls: list[str] = []
    page.on("request", lambda request: calls.append(request.url) if "/queue/join" in request.url else None)
    return calls


def canvas_pixels(live: Locator) -> np.ndarray:
    """The 28x28 grey levels the page drew in a live component's canvas."""
    data = live.locator("canvas").evaluate(
        "(canvas) => Array.from(canvas.getContext('2d').getImageData(0, 0, 28, 28).data)")
    return np.array(data, dtype=np.int16).reshape(28, 28, 4)[..., 0]


def server_pixels(picture: str | bytes, scale: int = 8) -> np.ndarray:
    """A server picture of a digit (a file, or its bytes; enlarged `scale` times) back at 28x28 grey levels."""
    return np.asarray(Image.open(io.BytesIO(picture) if isinstance(picture, bytes) else picture).convert("L"),
                      dtype=np.int16)[::scale, ::scale]


def content_box(image: Locator) -> dict:
    """Where the picture of an <img> is on screen (Gradio fits it in its box) and its natural width."""
    return image.evaluate("""(image) => { const r = image.getBoundingClientRect();
        const scale = Math.min(r.width / image.naturalWidth, r.height / image.naturalHeight);
        return { x: r.x + (r.width - image.naturalWidth * scale) / 2, y: r.y + (r.height - image.naturalHeight * scale) / 2,
                 scale, side: image.naturalWidth * scale }; }""")


def same_picture(page_side: np.ndarray, server_side: np.ndarray) -> bool:
    return page_side.shape == server_side.shape and int(np.abs(page_side - server_side).max()) <= 1


def slider_values(page: Page) -> list[float]:
    """The explorer's slider values, most-used dimension first, zeros for the hidden ones."""
    values = [float(page.locator(f"#genlab-z{slot + 1} input[type=range]").input_value())
              for slot in range(page.locator("[id^=genlab-z] input[type=range]").count())]
    return values + [0.0] * (SLIDERS - len(values))


def drag(page: Page, slider: Locator, to: float) -> None:
    """A real mouse drag of a slider's thumb from the middle to a fraction `to` of its width."""
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    stroke(page, [(box["x"] + box["width"] / 2, y), (box["x"] + box["width"] * to, y)], steps=12)


def classify_picture(live: Locator, name: str) -> np.ndarray:
    """One of Classify's page pictures ('seen' or 'why') as 28x28 RGB levels."""
    data = live.locator(f"canvas[data-picture={name}]").evaluate(
        "(canvas) => Array.from(canvas.getContext('2d').getImageData(0, 0, 28, 28).data)")
    return np.array(data, dtype=np.int16).reshape(28, 28, 4)[..., :3]


def read_as_the_server_reads(page: Page, live: Locator, model: torch.nn.Module, given: Image.Image | None = None,
                             source: str = FROM_DRAWING) -> None:
    """The page's reading of the drawing on the pad (or of a picture `given` from a file), held to the server's
    (genlab.inference.classify's read_digit of the pad's PNG, or of the picture as the server opens it): the 28x28
    input within one level of each colour, the heat map over it within one level on average (the page's graph
    keeps its weights in float16: tests/unit/test_export.py), each probability within 1e-3, the same
    preprocessing, and the words of the status line and of What's happening those of the server's functions for
    the page's own reading."""
    if given is None:
        given = open_drawing(page.locator("#digit-pad canvas").evaluate("(canvas) => canvas.toDataURL('image/png')"))
    expected = read_digit(model, given)
    seen, why = (np.asarray(picture, dtype=np.int16)[::SHOWN, ::SHOWN] for picture in expected.pictures())

    def off(picture: np.ndarray, name: str) -> np.ndarray:
        return np.abs(classify_picture(live, name) - picture.reshape(28, 28, -1))
    eventually(page, lambda: off(seen, "seen").max() <= 1 and off(why, "why").mean() <= 1,
               "the page's pictures are the server's")
    detail = page.evaluate("window.genlab.readings.classifyDetail")
    assert detail["notes"] == expected.notes
    assert np.abs(np.array(detail["probabilities"]) - [expected.probabilities[str(k)] for k in range(10)]).max() < 1e-3
    mine = Reading({str(k): p for k, p in enumerate(detail["probabilities"])}, expected.digit, expected.heat,
                   detail["notes"])
    label, status = page.evaluate("window.genlab.readings.classify")
    assert status == f"{mine.summary()} {source}"
    assert [c["label"] for c in label["confidences"]] == sorted(mine.probabilities, key=mine.probabilities.get)[:-4:-1]
    assert page.evaluate("window.genlab.classifyWords(window.genlab.readings.classify[0])") == \
        classify_words(mine.probabilities)
    expect(page.get_by_test_id("label-output-value")).to_have_text(mine.label)


def test_a_drawing_is_read_and_explained_in_the_page_as_the_server_would(page, cnn, mlp):
    """Before the pen is lifted the page has read the drawing: the Prediction shows it. When the stroke
    ends, what the model sees, what drove the answer (Grad-CAM), the reading and its words are what the
    server would show for the same drawing, and the server was asked nothing at all. The MLP, chosen
    next, explains with saliency, in the page too."""
    panel = open_tab(page, "Classify")
    drawn_in_page(page, "classify")
    live = page.locator("#genlab-classify-live")
    box = panel.get_by_label("Draw a digit", exact=True).bounding_box()
    x, y, u = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, box["width"] / 3.6
    calls = server_calls(page)
    page.mouse.move(x - 0.8 * u, y - u)
    page.mouse.down()
    page.mouse.move(x + 0.8 * u, y - u)
    page.mouse.move(x - 0.15 * u, y + 1.1 * u)
    expect(panel.get_by_test_id("label-output-value")).to_have_text("7")
    page.mouse.up()
    expect(page.locator("#genlab-classify-seen")).to_be_hidden()  # the page's own pictures stand in for the server's
    expect(page.locator("#genlab-classify-why")).to_be_hidden()
    read_as_the_server_reads(page, live, cnn.eval())
    assert calls == [], "the page asked the server"
    grad_cam = classify_picture(live, "why")

    panel.get_by_role("radio", name="MLP (pretrained)", exact=True).check()
    page.wait_for_function("() => window.genlab.specs.classify.reader !== null && window.genlab.modes.classify === 'page'")
    eventually(page, lambda: not np.array_equal(classify_picture(live, "why"), grad_cam), "the MLP's saliency shows")
    read_as_the_server_reads(page, live, mlp.eval())
    assert calls == [], "choosing the MLP asked the server"


def called(page: Page) -> list[dict]:
    """The listeners the page asks the server to run from now on (a list that keeps filling), as the page's config
    has them (their outputs among them)."""
    listeners = {d["id"]: d for d in page.evaluate("window.gradio_config.dependencies")}
    calls: list[dict] = []
    page.on("request", lambda request: calls.append(listeners[request.post_data_json["fn_index"]])
            if "/queue/join" in request.url else None)
    return calls


def test_choosing_a_pretrained_model_is_done_by_the_page(page):
    """Choosing another pretrained model replays in the page what the server answered that choice once (the
    page modules' specs, the card, the diagram, the sliders), and the page writes What's happening's figures of
    what it draws: the server is asked nothing. Choosing Mine before having one goes to the server, which says why and puts
    the radio back on the model the page chose last."""
    panel = open_tab(page, "Classify")
    drawn_in_page(page, "classify")
    draw_a_seven(page, panel)
    expect(panel.get_by_test_id("label-output-value")).to_have_text("7")
    calls = called(page)
    panel.get_by_role("radio", name="MLP (pretrained)", exact=True).check()
    page.wait_for_function("() => window.genlab.specs.classify.reader.includes('/') && window.genlab.modes.classify === 'page'"
                           " && window.genlab.readings.classifyDetail")
    panel.get_by_text("Model card", exact=True).click()
    expect(panel.get_by_text("Pretrained MLP (classifier)")).to_be_visible()
    expect(panel.get_by_test_id("label-output-value")).to_have_text("7")  # read again by the MLP, in the page
    assert calls == [], "the page asked the server"
    panel.get_by_role("radio", name="Mine (from the Train tab)", exact=True).check()
    expect(page.get_by_text("You have no classifier of your own yet", exact=False).first).to_be_visible()
    expect(panel.get_by_role("radio", name="MLP (pretrained)", exact=True)).to_be_checked()
    assert calls, "the server was asked about Mine"

    panel = open_tab(page, "GAN sampler")
    drawn_in_page(page, "gan-grid")
    before = page.evaluate("window.genlab.graphs['gan-grid']")
    calls = called(page)
    panel.get_by_role("radio", name="MLP GAN", exact=True).check()
    page.wait_for_function("(before) => window.genlab.graphs['gan-grid'] !== before && window.genlab.modes['gan-grid'] === 'page'"
                           " && window.genlab.readings.ganWords?.includes('On the 32 samples')", arg=before)
    expect(panel.get_by_label("Digit", exact=True)).to_be_hidden()  # the MLP GAN draws no chosen digit
    assert calls == [], "the page asked the server"

    panel = open_tab(page, "VAE explorer")
    drawn_in_page(page, "explore")
    panel.get_by_text("What's happening", exact=True).click()
    page.wait_for_function("() => window.genlab.readings.vaeWords")
    before = page.evaluate("[window.genlab.graphs.explore, window.genlab.readings.vaeWords]")
    calls = called(page)
    panel.get_by_role("radio", name="VAE, 16-D latent", exact=True).check()
    page.wait_for_function("([graph, words]) => window.genlab.graphs.explore !== graph && window.genlab.modes.explore === 'page'"
                           " && window.genlab.readings.vaeWords !== words", arg=before)
    expect(panel.get_by_text("A map of the latent space needs two dimensions", exact=False)).to_be_visible()
    assert calls == [], "the page asked the server"


def test_vae_drag_is_drawn_in_the_page_as_the_server_would(page, running_app, readme_screenshot):
    panel = open_tab(page, "VAE explorer")
    drawn_in_page(page, "explore")
    live, calls = page.locator("#genlab-vae-live"), server_calls(page)
    expect(image_in(panel, "Decoded digit")).to_be_hidden()  # the page's own picture stands in for it

    vae, explorer = load_checkpoint(CHECKPOINTS / "vae2d"), Explorer(None, torch.device("cpu"))
    panel.get_by_text("What's happening", exact=True).click()  # its figures follow the digit once open

    def matches_the_server() -> None:
        expected, reading = running_app.predict("vae2d", *slider_values(page), api_name="/decode")
        eventually(page, lambda: same_picture(canvas_pixels(live), server_pixels(expected)),
                   f"the page's digit equals /decode's for {slider_values(page)}")
        expect(live.locator(".genlab-reading")).to_contain_text(reading.replace("**", ""))  # after a note, if any
        z = explorer.code(vae, slider_values(page))  # What's happening, as the server's explain writes it
        said = vae_words(decoded_elbo(vae.model, z), z.tolist())
        eventually(page, lambda: page.evaluate("window.genlab.readings.vaeWords") == said,
                   f"What's happening's figures for {slider_values(page)}")

    before = canvas_pixels(live)
    drag(page, page.locator("#genlab-z1 input[type=range]"), 0.85)
    expect(page.locator("#genlab-z1 input[type=number]")).not_to_have_value("0")
    assert 1.0 < slider_values(page)[0] <= 3.0
    assert not same_picture(canvas_pixels(live), before), "the digit changed with the drag"
    matches_the_server()
    assert calls == [], "a drag asks the server nothing"
    readme_screenshot(page, "vae_explorer")

    # The keyboard works too: End puts the second slider at its maximum.
    page.locator("#genlab-z2 input[type=range]").focus()
    page.keyboard.press("End")
    expect(page.locator("#genlab-z2 input[type=number]")).to_have_value("3")
    matches_the_server()
    assert calls == []

    # A random sample: the page draws the seed's code from the prior, as /random_code does, and Reset
    # goes back to the origin; neither asks the server.
    panel.get_by_label("Seed", exact=True).fill("5")
    page.get_by_role("button", name="Random sample", exact=True).click()
    *code, _, reading, _, next_seed = running_app.predict("vae2d", 5, api_name="/random_code")
    eventually(page, lambda: slider_values(page)[:2] == [round(value, 2) for value in code[:2]],
               "the sliders moved to seed 5's code")
    matches_the_server()
    expect(live.locator(".genlab-reading")).to_contain_text(reading.split(" The CNN")[0])  # "A sample from the prior..."
    expect(panel.get_by_label("Seed", exact=True)).to_have_value(str(next_seed))
    page.get_by_role("button", name="Reset", exact=True).click()
    eventually(page, lambda: slider_values(page)[:2] == [0.0, 0.0], "the sliders back at the origin")
    matches_the_server()
    assert calls == []

    # The 16-D model: its sliders, its decoder, in the page as well.
    panel.get_by_role("radio", name="VAE, 16-D latent", exact=True).check()
    expect(panel.get_by_role("slider")).to_have_count(16)  # every dimension on show: 6 beside the digit, 10 where the map was
    drawn_in_page(page, "explore")
    calls.clear()
    drag(page, page.locator("#genlab-z3 input[type=range]"), 0.2)
    expect(page.locator("#genlab-z3 input[type=number]")).not_to_have_value("0")
    expected, _ = running_app.predict("vae", *slider_values(page), api_name="/decode")
    eventually(page, lambda: same_picture(canvas_pixels(live), server_pixels(expected)), "the 16-D digit")
    assert calls == []


def test_a_drawing_is_encoded_in_the_page_as_the_server_encodes_it(page, running_app):
    """Under "Encode your own digit", Encode with nothing drawn says what to do; a 7 drawn and encoded moves
    the sliders to /encode's code for the same drawing, the reading says what /encode says (the posterior's
    spread too), the reconstruction beside the drawing is /encode's, and the server was asked nothing."""
    panel = open_tab(page, "VAE explorer")
    drawn_in_page(page, "explore")
    live, calls = page.locator("#genlab-vae-live"), server_calls(page)
    panel.get_by_text("Encode your own digit", exact=True).click()
    encode = panel.get_by_role("button", name="Encode", exact=True)
    encode.click()
    expect(live.locator(".genlab-notice")).to_have_text("⚠ Draw a digit (or upload one) under 'Encode your own' first.")

    pad = page.locator("#genlab-vae-pad")
    draw_a_seven(page, pad)
    encode.click()
    drawing = pad.locator("canvas").evaluate("(canvas) => canvas.toDataURL('image/png')")
    *sliders, _, reading, _, reconstruction = running_app.predict("vae2d", drawing, None, api_name="/encode")
    expect(page.locator("#genlab-z1 input[type=number]")).to_have_value(f"{sliders[0]:g}")
    expect(page.locator("#genlab-z2 input[type=number]")).to_have_value(f"{sliders[1]:g}")
    expect(live.locator(".genlab-reading")).to_have_text(reading.replace("**", ""))
    assert "standard deviations around it" in reading
    stand_in = page.locator("#genlab-vae-reconstruction-live canvas")
    expect(stand_in).to_be_visible()
    expect(page.locator("#genlab-vae-reconstruction")).to_be_hidden()
    eventually(page, lambda: same_picture(canvas_pixels(page.locator("#genlab-vae-reconstruction-live")),
                                          server_pixels(reconstruction)), "the reconstruction is /encode's")
    assert calls == [], "encoding a drawing asks the server nothing"


def test_vae_map_pointing_decodes_the_point_and_a_click_pins_it(page, running_app):
    open_tab(page, "VAE explorer")
    drawn_in_page(page, "explore")
    live, calls = page.locator("#genlab-vae-live"), server_calls(page)
    image = page.locator("#genlab-vae-map img")
    expect(image).to_be_visible()
    order = Explorer.order(load_checkpoint(CHECKPOINTS / "vae2d"))  # across the map, then up
    box = content_box(image)
    values_before = slider_values(page)

    def pointing_at(fx: float, fy: float) -> list[float]:
        """Point at a fraction of the map's width and height; the code there, as slider values."""
        x, y = round(box["x"] + fx * box["side"]), round(box["y"] + fy * box["side"])
        page.mouse.move(x, y)
        z = to_code(x - box["x"], y - box["y"], 3.0, box["side"])
        return [z[dim] for dim in order] + [0.0] * (SLIDERS - 2)

    for fx, fy in [(0.2, 0.7), (0.75, 0.25), (0.5, 0.9)]:
        values = pointing_at(fx, fy)
        expected, _ = running_app.predict("vae2d", *values, api_name="/decode")
        eventually(page, lambda: same_picture(canvas_pixels(live), server_pixels(expected)),
                   f"the page decodes the point under the pointer, {values[:2]}")
    assert slider_values(page) == values_before, "pointing moves no slider"
    assert calls == [], "pointing asks the server nothing"

    # A click pins the point: the page moves the sliders there, and the digit stays when the pointer leaves.
    page.mouse.down()
    page.mouse.up()
    eventually(page, lambda: np.allclose(slider_values(page)[:2], values[:2], atol=0.03),
               f"the sliders moved to the clicked point {values[:2]}")
    page.mouse.move(5, 5)
    expected, _ = running_app.predict("vae2d", *slider_values(page), api_name="/decode")
    eventually(page, lambda: same_picture(canvas_pixels(live), server_pixels(expected)), "the pinned digit")
    expect(live.locator(".genlab-reading")).to_contain_text("Decoded the point (")
    assert calls == [], "a click on the map asks the server nothing either"


def grid_pixels(grid: dict) -> np.ndarray:
    """The page's grid samples at 28x28 grey levels, as it paints them (ui/web/digit.js): 255 - round(255 x)."""
    digits = 255 - np.round(255 * np.clip(np.array(grid["images"], dtype=np.float64), 0, 1)).reshape(-1, 28, 28)
    return digits.astype(np.int16)


def server_grid(picture: str, n: int, columns: int) -> np.ndarray:
    """The n digits of a /sample picture at 28x28 grey levels (each tile is 84 px with a caption band below)."""
    sheet = np.asarray(Image.open(picture).convert("L"), dtype=np.int16)
    tile = 28 * 3
    return np.stack([sheet[(i // columns) * (tile + CAPTION_ROW):][:tile:3, (i % columns) * tile:][:, :tile:3]
                     for i in range(n)])


def test_a_seed_names_the_same_noise_in_the_page_as_on_the_server(page):
    """ui/web/seeds.js against genlab.core.seeds: the numbers of five seeds (the largest among them), whole
    grids and rows taken alone, within float32's rounding."""
    open_tab(page, "GAN sampler")
    for seed, count, size, first in ((0, 64, 100, 0), (1, 3, 101, 0), (7, 2, 100, 30), (MAX_SEED, 4, 16, 0),
                                     (123456789, 1, 100, 63)):
        got = page.evaluate("""async ([seed, count, size, first]) => {
            const noise = await import(new URL('genlab/web/seeds.js', document.baseURI).href);
            return Array.from(noise.gaussian(seed, count, size, first)); }""", [seed, count, size, first])
        expected = gaussian(seed, first + count, size)[first:].ravel()
        assert np.abs(np.array(got, dtype=np.float32) - expected).max() <= 1e-6, (seed, count, size, first)


def test_the_page_writes_a_number_as_python_formats_it(page):
    """ui/web/digit.js's fixed() against Python's format, which the server's words use: exact halves to even
    (0.375 to 0.38, 2.5 to 2), and a number a little over a half (0.325) up, however a product rounds; D's
    scores rounded to three decimals as gan_value does, then shown with two; readings with one and three."""
    rng = np.random.default_rng(0)
    cases = [(0.325, 2), (0.375, 2), (0.125, 2), (2.5, 0), (3.5, 0), (-2.5, 0), (1.005, 2), (12.345, 2), (-0.4, 0)]
    cases += [(round(float(x), 3), 2) for x in rng.random(2000).astype(np.float32)]
    cases += [(float(x), digits) for x in rng.normal(0, 3, 500) for digits in (1, 3)]
    got = page.evaluate("""async (cases) => {
        const { fixed } = await import(new URL('genlab/web/digit.js', document.baseURI).href);
        return cases.map(([x, digits]) => fixed(x, digits)); }""", cases)
    assert got == [format(x, f".{digits}f") for x, digits in cases]


def test_the_gan_grid_is_drawn_in_the_page_as_the_server_draws_it(page, running_app):
    """Every control of the GAN grid redraws it in the page, asking the server nothing: the samples are
    /sample's (within one grey level), the captions and the summary under the grid are its words, for the
    CNN's reading and for D's score, for a digit asked for and for every digit; What's happening says what
    the server says of the grid on screen (D's view of it and of as many real digits). Choosing another GAN
    asks nothing either."""
    panel = open_tab(page, "GAN sampler")
    grid_drawn(page, seed=0)
    calls = server_calls(page)

    def matches_the_server(model: str, *, every_digit: bool = False, **values) -> None:
        shown = grid_drawn(page, **values, mode="every digit" if every_digit else "samples")
        knobs = shown["values"]
        if every_digit:
            picture, summary = running_app.predict(model, knobs["seed"], knobs["rows"], knobs["truncation"],
                                                   knobs["under"], api_name="/every_digit")
        else:
            picture, summary = running_app.predict(model, knobs["seed"], knobs["count"], knobs["truncation"],
                                                   knobs["digit"] if knobs["digit"] else "any", knobs["under"],
                                                   api_name="/sample")
        n, columns = len(shown["captions"]), 10 if every_digit else 8
        assert int(np.abs(grid_pixels(shown) - server_grid(picture, n, columns)).max()) <= 1, f"{model} {knobs}: the samples"
        assert shown["summary"] == summary, f"{model} {knobs}: the words under the grid"
        expect(panel.locator(f"{GAN_GRID} .genlab-reading")).to_have_text(summary)
        if not every_digit:  # What's happening, as the server's explain writes it for these controls
            gan = load_checkpoint(CHECKPOINTS / model).model
            said = gan_words(gan_value(gan, *sampler.samples(gan, knobs["seed"], knobs["count"], knobs["truncation"],
                                                             knobs["digit"] or sampler.ANY_DIGIT), real_digits()))
            eventually(page, lambda: page.evaluate("window.genlab.readings.ganWords") == said,
                       f"{model} {knobs}: What's happening's words")

    matches_the_server("cdcgan", seed=0, count=32)
    set_number(panel, "Truncation (1 = none)", 0.6)
    panel.get_by_label("Digit", exact=True).click()
    page.get_by_role("option", name="7", exact=True).click()
    matches_the_server("cdcgan", truncation=0.6, digit="7")
    panel.get_by_role("radio", name="D's chance it is real", exact=True).check()
    matches_the_server("cdcgan", under="D's chance it is real", digit="7")
    assert all(re.fullmatch(r"D \d\.\d\d", caption) for caption in page.evaluate("window.genlab.grids.gan.captions"))
    panel.get_by_role("button", name="Same noise, every digit", exact=True).click()
    matches_the_server("cdcgan", every_digit=True, rows=4)
    set_number(panel, "Samples", 13)
    panel.get_by_role("button", name="New seed", exact=True).click()
    seed = int(panel.get_by_label("Seed", exact=True).input_value())
    matches_the_server("cdcgan", seed=seed, count=13)
    assert calls == [], "the grid asks the server nothing"

    panel.get_by_text("What's happening", exact=True).click()
    expect(panel.locator(".prose.whats-happening-live")).to_contain_text("On the 13 samples on screen")
    panel.get_by_role("radio", name="DCGAN", exact=True).check()  # replayed in the page (ui/web/choices.js)
    expect(panel.get_by_label("Digit", exact=True)).to_be_hidden()
    page.wait_for_function("() => window.genlab.specs['gan-grid'].classes === 0")
    panel.get_by_role("radio", name="the CNN's reading", exact=True).check()
    matches_the_server("dcgan", seed=seed, count=13, under="the CNN's reading", digit="")
    assert calls == []


def test_the_seed_to_seed_interpolation_is_drawn_in_the_page_as_the_server_draws_it(page, running_app, cnn):
    """Open "Interpolate between two seeds": the frames are drawn in the page at once and follow the
    controls, each within one grey level of /interpolate_seeds' strip, each captioned with the CNN's reading
    as the server reads it; Interpolate redraws them; none of it asks the server."""
    panel = open_tab(page, "GAN sampler")
    grid_drawn(page, seed=0)
    calls = server_calls(page)
    panel.get_by_text("Interpolate between two seeds", exact=True).click()

    def matches_the_server(**values) -> None:
        page.wait_for_function("""(values) => { const shown = window.genlab.grids.between;
            return shown && Object.entries(values).every(([name, value]) => shown.values[name] === value); }""",
                               arg=values)
        shown = page.evaluate("window.genlab.grids.between")
        knobs = shown["values"]
        strip, _ = running_app.predict("cdcgan", knobs["seedA"], knobs["seedB"], knobs["frames"], knobs["path"],
                                       knobs["digit"], api_name="/interpolate_seeds")
        assert int(np.abs(grid_pixels(shown) - server_grid(strip, knobs["frames"], knobs["frames"])).max()) <= 1, knobs
        images = torch.tensor(shown["images"]).view(-1, 1, 28, 28)
        assert shown["captions"] == captions(cnn.eval(), images), f"{knobs}: the readings"

    expect(page.locator("#genlab-gan-between-strip")).to_be_hidden()  # the page's frames stand in for the server's
    matches_the_server(seedA=1, seedB=2, frames=10, path="spherical")
    set_number(panel, "Frames", 5)
    panel.get_by_role("radio", name="linear", exact=True).check()
    panel.get_by_label("Digit", exact=True).click()
    page.get_by_role("option", name="7", exact=True).click()
    matches_the_server(frames=5, path="linear", digit="7")
    panel.get_by_label("Seed B", exact=True).fill("9")
    panel.get_by_role("button", name="Interpolate", exact=True).click()
    matches_the_server(seedB=9, frames=5)
    assert calls == [], "the interpolation asks the server nothing"


def test_gan_pick_a_sample_and_walk_it_live(page, running_app, readme_screenshot):
    panel = open_tab(page, "GAN sampler")
    drawn_in_page(page, "gan")
    live = page.locator("#genlab-gan-walk-live")
    expect(panel.get_by_role("radio", name="Conditional DCGAN", exact=True)).to_be_checked()
    grid_drawn(page, seed=0, count=32)
    model = "cdcgan"
    calls = server_calls(page)

    # Click the third sample of the grid: the walk starts from it.
    page.locator(f"{GAN_GRID} canvas").scroll_into_view_if_needed()
    page.mouse.click(*grid_position(page, 3))
    expect(panel.get_by_label("Sample (click one in the grid)")).to_have_value("3")
    drawn_in_page(page, "gan")
    walk = page.locator("#genlab-gan-walk input[type=range]")
    expect(walk).to_have_value("0")

    def matches_the_server() -> None:
        t = float(walk.input_value())
        truncation = float(page.locator("#genlab-gan-walk-truncation input[type=range]").input_value())
        expected, _ = running_app.predict(model, 0, 32, "any", 3, 1, t, truncation, api_name="/walk_sample")
        eventually(page, lambda: same_picture(canvas_pixels(live), server_pixels(expected)),
                   f"the walked sample at {t}, truncation {truncation}, equals /walk_sample's")

    matches_the_server()
    drag(page, walk, 0.8)
    assert 0.5 < float(walk.input_value()) <= 1.0
    matches_the_server()
    readme_screenshot(page, "gan_walk")
    drag(page, page.locator("#genlab-gan-walk-truncation input[type=range]"), 0.1)
    matches_the_server()
    assert calls == [], "picking and walking a sample asks the server nothing"


PROMPTS = ("ROMEO:\n", "To be, or not to be", "", "KING HENRY VI:\n", "O", "What light through yonder window",
           "First Citizen:\nBefore we proceed", "zzz", "Good morrow, cousin.", "Thou art é")  # é: a character it lacks


def written_in_page(page: Page, panel: Locator) -> dict:
    """Press Write and wait until the page has written it all: its record (ui/web/text_write.js)."""
    page.evaluate("() => { if (window.genlab.texts) window.genlab.texts.write = null; }")
    panel.get_by_role("button", name="Write", exact=True).click()
    return page.wait_for_function("() => window.genlab.texts.write?.done && window.genlab.texts.write",
                                  timeout=30_000).json_value()


def test_text_is_written_in_the_page_as_the_server_writes_it(page, running_app):
    """The character LSTM runs in the page: after ten prompts its greedy text is /generate's to the letter,
    and its sampled text too (the seed's own draws); the look inside's chances of the next character are
    torch's within 1e-4 and each prompt character's surprisal too; the notice about characters the model
    lacks is the server's; and none of it asks the server."""
    panel = open_tab(page, "Text")
    page.wait_for_function("() => window.genlab?.modes?.text === 'page' && window.genlab.modes['text-inside'] === 'page'",
                           timeout=30_000)
    lstm = load_checkpoint(CHECKPOINTS / "lstm").model
    calls = server_calls(page)
    prompt = panel.get_by_label("Prompt", exact=True)
    set_number(panel, "Characters to write", 200)
    panel.get_by_label("Greedy (always the likeliest)", exact=True).check()
    for typed in PROMPTS:
        prompt.fill(typed)
        inside = page.wait_for_function("(typed) => window.genlab.texts.inside?.prompt === typed && window.genlab.texts.inside",
                                        arg=typed).json_value()
        seen = insight(lstm, typed, torch.device("cpu"))
        assert np.abs(np.array(inside["next"]) - seen.next_log_probs.exp().numpy()).max() <= 1e-4, typed
        assert [char for char, _ in inside["surprisal"]] == [char for char, _ in seen.surprisal], typed
        assert np.allclose([n for _, n in inside["surprisal"]], [n for _, n in seen.surprisal], atol=1e-3), typed
        written = written_in_page(page, panel)
        text, note, _ = running_app.predict(typed, "lstm", 0.8, 0, 1.0, 200, 0, True, "fast", api_name="/generate")
        assert written["text"] == text, f"greedy after {typed!r}"
        expect(page.locator(f"{TEXT_WRITER} .genlab-note")).to_have_text(note)
    panel.get_by_label("Greedy (always the likeliest)", exact=True).uncheck()
    for seed, top_k, top_p in ((3, 0, 1), (7, 20, 0.9)):
        prompt.fill("ROMEO:\n")
        set_number(panel, "Top-k (0: off; 1: greedy)", top_k)
        set_number(panel, "Top-p (nucleus)", top_p)
        panel.get_by_label("Seed", exact=True).fill(str(seed))
        written = written_in_page(page, panel)
        text, _, _ = running_app.predict("ROMEO:\n", "lstm", 0.8, top_k, top_p, 200, seed, False, "fast",
                                         api_name="/generate")
        assert written["text"] == text, f"seed {seed}, top-k {top_k}, top-p {top_p}"
    assert calls == [], "writing and looking inside ask the server nothing"


def test_sentences_are_rebuilt_walked_and_written_in_the_page_as_the_server_does(page, running_app):
    """The Sentences tab's three buttons, in the page: each line rebuilt from its code (with the four draws
    and the KL's words), a walk either way, lines from the prior greedy and drawn, a new seed: the very
    lines and words /rebuild_line, /walk_lines and /prior_lines give for the same controls, typed lines with
    characters the model lacks and runs of spaces included; a line it cannot read says why; and none of it
    asks the server."""
    panel = open_tab(page, "Sentences")
    page.wait_for_function("() => ['rebuild', 'walk', 'prior'].every((action) => "
                           "window.genlab?.modes?.[`sentences-${action}`] === 'page')", timeout=30_000)
    calls = server_calls(page)

    def shows(action: str, press: str, endpoint: str, *inputs) -> list[str]:
        page.evaluate("(action) => { delete window.genlab.lines[action]; }", action)
        panel.get_by_role("button", name=press, exact=True).click()
        page.wait_for_function("(action) => window.genlab.lines[action]", arg=action)
        shown = page.evaluate("(action) => window.genlab.lines[action]", action)
        expected = running_app.predict("textvae", *inputs, api_name=endpoint)
        assert shown == (list(expected) if isinstance(expected, tuple) else [expected]), inputs
        return shown

    line, seed = panel.get_by_label("Line", exact=True), panel.get_by_label("Seed for the draws", exact=True)
    words = {}
    for typed, draws in (("Now is the winter of our discontent", 0), ("To  be, or not\tto be ~ {ok}", 5),
                         ("What say you, my lord?", 123456789)):
        line.fill(typed)
        seed.fill(str(draws))
        rebuilt, _, words[typed] = shows("rebuild", "Rebuild", "/rebuild_line", typed, draws)
        expect(panel.get_by_label("Rebuilt from the code's mean", exact=True)).to_have_value(rebuilt)
    assert "Left out 3 character(s)" in words["To  be, or not\tto be ~ {ok}"], "~, { and } are not in the verse"

    first, second = panel.get_by_label("First line", exact=True), panel.get_by_label("Second line", exact=True)
    shows("walk", "Walk", "/walk_lines", first.input_value(), second.input_value(), 8, False)
    set_number(panel, "Steps", 5)
    panel.get_by_label("Spherical path", exact=True).check()
    second.fill("O Romeo, Romeo! wherefore art thou Romeo?")
    shows("walk", "Walk", "/walk_lines", first.input_value(), second.input_value(), 5, True)

    shows("prior", "Write", "/prior_lines", 8, 0.0, 0)
    set_number(panel, "Temperature (0: greedy)", 0.8)
    panel.get_by_label("Seed", exact=True).fill("7")
    shows("prior", "Write", "/prior_lines", 8, 0.8, 7)
    page.evaluate("() => { delete window.genlab.lines.prior; }")
    panel.get_by_role("button", name="New seed", exact=True).click()
    page.wait_for_function("() => window.genlab.lines.prior")
    new_seed = int(panel.get_by_label("Seed", exact=True).input_value())
    assert new_seed != 7 and page.evaluate("window.genlab.lines.prior")[0] == running_app.predict(
        "textvae", 8, 0.8, new_seed, api_name="/prior_lines")

    line.fill(" ~~ ")
    panel.get_by_role("button", name="Rebuild", exact=True).click()
    expect(panel.get_by_text("⚠ The line is empty: type a line with letters the model knows.")).to_be_visible()
    assert calls == [], "the Sentences tab asks the server nothing"


def test_the_text_gans_three_writers_write_in_the_page_as_the_server_does(page, running_app):
    """The Text GAN tab in the page: Write and New seed give the very table /sample_text_gan gives for the same
    knobs (the three sets of lines, the LSTM's nats per character, distinct 4-grams and mean length of each), at
    two temperatures and seeds and a new one; a refused knob is said as the server says it; none of it asks the
    server."""
    panel = open_tab(page, "Text GAN")
    page.wait_for_function("() => window.genlab?.modes?.['text-gan'] === 'page'", timeout=30_000)
    calls = server_calls(page)

    def written(press: str) -> str:
        page.evaluate("() => { window.genlab.textgan = null; }")
        panel.get_by_role("button", name=press, exact=True).click()
        return page.wait_for_function("() => window.genlab.textgan").json_value()

    for count, temperature, seed in ((8, 1, 0), (5, 0.7, 123456789)):
        set_number(panel, "Lines from each", count)
        set_number(panel, "Temperature (1: the distribution the GAN was trained with)", temperature)
        panel.get_by_label("Seed", exact=True).fill(str(seed))
        table = written("Write")
        assert table == running_app.predict("textgan", count, temperature, seed, api_name="/sample_text_gan")[0]
        expect(panel.locator("table.lines").first).to_contain_text(html.unescape(table.split("<code>")[1].split("</code>")[0]))
    table = written("New seed")
    new_seed = int(panel.get_by_label("Seed", exact=True).input_value())
    assert new_seed != 123456789 and table == running_app.predict("textgan", 5, 0.7, new_seed, api_name="/sample_text_gan")[0]
    assert calls == [], "the Text GAN tab asks the server nothing"


def test_an_interpolation_between_two_digits_is_drawn_in_the_page_as_the_server_draws_it(page, cnn):
    """Open "Interpolate between two digits": the ends' previews and titles, the frames and their captions are
    drawn in the page as genlab.inference.explorer draws them (each frame within one grey level), for two test
    digits along the great circle, then a seed's code to the sliders' straight, then the visitor's drawing; the
    2-D map shows the path; none of it asks the server."""
    panel = open_tab(page, "VAE explorer")
    page.wait_for_function("() => window.genlab?.modes?.explore === 'page'", timeout=30_000)
    calls = server_calls(page)
    panel.get_by_text("Interpolate between two digits", exact=True).click()
    vae, explorer = load_checkpoint(CHECKPOINTS / "vae2d"), Explorer(cnn, torch.device("cpu"))

    def drawn_as_the_server_draws(ends: list[tuple[str, float]], frames: int, spherical: bool, sliders=(), drawing=None):
        shown = page.wait_for_function("""(titles) => { const drawn = window.genlab.grids?.['vae-between'];
            return drawn && drawn.captions.length && JSON.stringify(drawn.titles) === JSON.stringify(titles) && drawn; }""",
            arg=[explorer.end_preview(vae, source, number, list(sliders), drawing, None)[1] for source, number in ends],
            timeout=30_000).json_value()
        a, b = (explorer.endpoint(vae, source, number, list(sliders), drawing, None) for source, number in ends)
        with torch.no_grad():
            images = vae.model.decode(latent_path(a, b, frames, spherical))
        assert shown["captions"] == captions(cnn, images)
        assert np.abs(np.array(shown["images"]) - images.flatten().numpy()).max() <= 1 / 255

    drawn_as_the_server_draws([("test digit", 0), ("test digit", 1)], 10, True)
    panel.get_by_role("radio", name="random", exact=True).first.check()
    panel.get_by_label("Test digit number or seed").first.fill("5")
    panel.get_by_role("radio", name="current sliders", exact=True).last.check()
    set_number(panel, "z1", 1.5)
    set_number(panel, "Frames", 6)
    panel.get_by_role("radio", name="linear", exact=True).check()
    drawn_as_the_server_draws([("random", 5), ("current sliders", 0)], 6, False, sliders=slider_values(page))
    panel.get_by_text("Encode your own digit", exact=True).click()
    draw_a_seven(page, page.locator("#genlab-vae-pad"))
    panel.get_by_role("radio", name="my drawing", exact=True).first.check()
    drawing = open_drawing(page.locator("#genlab-vae-pad canvas").evaluate("(canvas) => canvas.toDataURL()"))
    drawn_as_the_server_draws([("my drawing", 0), ("current sliders", 0)], 6, False, sliders=slider_values(page),
                              drawing=drawing)
    overlay = page.locator("#genlab-vae-map canvas.genlab-map-overlay")
    path = overlay.evaluate("(canvas) => canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data"
                            ".filter((value, i) => i % 4 === 3 && value > 200).length")
    assert path > 200, "the path drawn on the map"
    assert calls == [], "the interpolation asks the server nothing"


def test_a_vae_i_trained_runs_in_the_page(page, tmp_path):
    panel = open_tab(page, "Train")
    panel.get_by_role("radio", name="VAE", exact=True).check()
    expect(panel.get_by_role("slider", name="Beta (weight of the KL term)")).to_be_visible()  # the VAE's knobs
    set_number(panel, "Time limit (seconds)", 5)
    panel.get_by_role("button", name="Train", exact=True).click()
    expect(panel.get_by_text(re.compile(r"Your VAE is ready"))).to_be_visible(timeout=90_000)
    download = block_labelled(panel, "Download your model (.safetensors + .json)")
    for name in ("vae.safetensors", "vae.json"):  # the files of the model I trained, as I would download them
        link = download.locator(f"a[download='{name}']")
        (tmp_path / name).write_bytes(page.request.get(link.get_attribute("href")).body())
    mine = load_checkpoint(tmp_path / "vae")

    explore = open_tab(page, "VAE explorer")
    drawn_in_page(page, "explore")
    pretrained = page.evaluate("() => window.genlab.graphs.explore")
    explore.get_by_role("radio", name="Mine (from the Train tab)", exact=True).check()
    expect(explore.get_by_role("slider")).to_have_count(mine.meta["config"]["latent"])
    page.wait_for_function(f"() => window.genlab.graphs.explore !== {pretrained!r}")
    drawn_in_page(page, "explore")
    live, calls = page.locator("#genlab-vae-live"), server_calls(page)
    drag(page, page.locator("#genlab-z1 input[type=range]"), 0.75)
    expect(page.locator("#genlab-z1 input[type=number]")).not_to_have_value("0")
    explorer = Explorer(None, torch.device("cpu"))

    def as_torch_decodes() -> bool:
        picture = explorer.decode(mine, explorer.code(mine, slider_values(page))).picture
        return same_picture(canvas_pixels(live), picture[::8, ::8].astype(np.int16))

    eventually(page, as_torch_decodes, "my VAE's digit, decoded in the page as torch decodes it")
    assert calls == []


@pytest.mark.blocks(r"/genlab/web/vendor/")  # from the start: the page sets the runtime up as soon as it is idle
def test_where_the_runtime_cannot_load_the_server_draws(page, running_app):
    panel = open_tab(page, "VAE explorer")
    notice = page.locator("#genlab-vae-live .genlab-notice")
    expect(notice).to_have_text("This browser could not run the model, so the server draws the pictures.")
    decoded = image_in(panel, "Decoded digit")
    expect(decoded).to_be_visible()
    expect(page.locator("#genlab-vae-live canvas")).to_be_hidden()  # no empty picture of the page's beside it
    calls = server_calls(page)
    first = decoded.get_attribute("src")
    drag(page, page.locator("#genlab-z1 input[type=range]"), 0.8)
    expect(decoded).not_to_have_attribute("src", first)
    assert calls, "the server draws the drag"
    expected, _ = running_app.predict("vae2d", *slider_values(page), api_name="/decode")
    eventually(page, lambda: same_picture(server_pixels(page.request.get(decoded.get_attribute("src")).body()),
                                          server_pixels(expected)), "the server's digit for the slider values")
    expect(notice).to_have_count(1)
    panel.get_by_text("Encode your own digit", exact=True).click()  # the server encodes a drawing
    draw_a_seven(page, page.locator("#genlab-vae-pad"))
    panel.get_by_role("button", name="Encode", exact=True).click()
    expect(page.locator("#genlab-vae-reconstruction img")).to_be_visible()
    expect(panel.get_by_text(re.compile(r"^The sliders jumped to your digit's code"))).to_be_visible()

    panel = open_tab(page, "GAN sampler")  # the server draws the grid, for every control and button
    expect(page.locator(f"{GAN_GRID} .genlab-notice")).to_have_text(
        "This browser could not run the model, so the server draws the pictures.")
    grid, summary = image_in(panel, "Samples"), panel.locator("#genlab-gan-summary")
    expect(grid).to_be_visible()
    expect(page.locator(f"{GAN_GRID} canvas")).to_be_hidden()
    set_number(panel, "Samples", 12)
    expect(summary).to_contain_text("The CNN reads these 12 samples as")
    panel.get_by_role("button", name="Same noise, every digit", exact=True).click()
    expect(summary).to_contain_text("The CNN reads these 40 samples as")
    panel.get_by_role("button", name="New seed", exact=True).click()
    seed = panel.get_by_label("Seed", exact=True)
    expect(seed).not_to_have_value("0")
    expect(summary).to_contain_text("The CNN reads these 12 samples as")
    expected, _ = running_app.predict("cdcgan", int(seed.input_value()), 12, 1.0, "any", "the CNN's reading",
                                      api_name="/sample")
    eventually(page, lambda: image_bytes(page, grid) == open(expected, "rb").read(), "the server's grid of the new seed")
    panel.get_by_text("Interpolate between two seeds", exact=True).click()  # the button asks the server
    frames, animation = page.locator("#genlab-gan-between-strip img"), page.locator("#genlab-gan-between-animation img")
    expect(frames).to_have_count(0)
    panel.get_by_role("button", name="Interpolate", exact=True).click()
    expect(frames).to_be_visible()
    expect(animation).to_be_visible()

    panel = open_tab(page, "Text")  # the server writes, and looks inside
    expect(page.locator(f"{TEXT_WRITER} .genlab-notice")).to_have_text(
        "This browser could not run the model, so the server writes.")
    expect(page.locator(f"{TEXT_WRITER} textarea")).to_be_hidden()
    panel.get_by_role("button", name="Write", exact=True).click()
    expect(panel.get_by_label("Text", exact=True)).to_have_value(re.compile(r"^ROMEO:\n.{20}", re.S))
    panel.get_by_label("Prompt", exact=True).fill("To be")
    expect(page.locator("#genlab-text-surprise span[title$=' nats']")).to_have_count(5)
    panel.get_by_text("What's happening", exact=True).click()  # the server measures the prompt, with no error shown
    panel.get_by_role("button", name="Measure the prompt on screen", exact=True).click()
    said = explained(load_checkpoint(CHECKPOINTS / "lstm").model, "To be", 0.8, torch.device("cpu"))
    mean = re.search(r"\*\*(\S+) nats a character", said).group(1)
    expect(panel.locator(".prose.whats-happening-live")).to_contain_text(f"costs the model {mean} nats a character")
    expect(page.locator(".toast-body")).to_have_count(0)

    panel = open_tab(page, "Sentences")  # the server rebuilds the line
    expect(page.locator("#genlab-lines-rebuild-live .genlab-notice")).to_have_text(
        "This browser could not run the model, so the server writes the lines.")
    panel.get_by_role("button", name="Rebuild", exact=True).click()
    expect(panel.get_by_label("Rebuilt from the code's mean", exact=True)).not_to_have_value("")

    panel = open_tab(page, "Classify")  # the drawing is read by the server, whose 28x28 input shows
    expect(page.locator("#genlab-classify-live .genlab-notice")).to_have_text(
        "This browser could not run the model, so the server reads the drawing.")
    draw_a_seven(page, panel)
    expect(panel.get_by_test_id("label-output-value")).to_have_text("7")
    for picture in ("What the model sees", "What drove the answer"):  # the server's pictures, not the page's
        expect(image_in(panel, picture)).to_be_visible()
    expect(page.locator("#genlab-classify-live canvas")).to_have_count(2)
    for canvas in page.locator("#genlab-classify-live canvas").all():
        expect(canvas).to_be_hidden()
    expect(page.locator("#genlab-classify-upload")).to_be_visible()  # the server's upload, not the page's box
    expect(page.locator("#genlab-classify-upload-box")).to_be_hidden()


def test_the_sliders_say_which_way_they_move_and_what_they_carry(page, mnist_test):
    panel = open_tab(page, "VAE explorer")
    drawn_in_page(page, "explore")
    labels = panel.get_by_test_id("block-info")
    expect(page.locator("#genlab-z1")).to_contain_text("z1: across the map")
    expect(page.locator("#genlab-z2")).to_contain_text("z2: up the map")
    for slot in (1, 2):
        expect(page.locator(f"#genlab-z{slot}")).to_contain_text(re.compile(r"▮+▯* \d+% of what the code says"))
    expect(page.locator("#genlab-vae-map .genlab-map-overlay")).to_be_visible()  # its axes and the marker
    sliders_at = page.locator("#genlab-z1").bounding_box()["x"]

    # The 16-D model: the most used dimension first, with the longest bar; nothing else moves on the page.
    panel.get_by_role("radio", name="VAE, 16-D latent", exact=True).check()
    expect(labels.filter(has_text="unused")).to_have_count(0)
    expect(page.locator("#genlab-z1")).to_contain_text("▮▮▮▮▮▮▮▮▮▮")
    expect(panel.get_by_text(re.compile(r"^A map of the latent space needs two dimensions.*Latent dimensions 2"))
           ).to_be_visible()  # and says how to get one
    assert page.locator("#genlab-z1").bounding_box()["x"] == sliders_at, "the sliders stay where they were"

    # An interpolation's ends say what they are: test digit 0 is a 7, not a zero.
    panel.get_by_text("Interpolate between two digits", exact=True).click()
    ends = panel.locator(VAE_BETWEEN)  # drawn by the page
    expect(ends.get_by_text(f"Test digit 0: a {int(mnist_test.labels[0])}", exact=True)).to_be_visible()
    expect(ends.get_by_text(f"Test digit 1: a {int(mnist_test.labels[1])}", exact=True)).to_be_visible()
    number = panel.get_by_label("Test digit number or seed").first
    number.fill("3")
    number.press("Enter")
    expect(ends.get_by_text(f"Test digit 3: a {int(mnist_test.labels[3])}", exact=True)).to_be_visible()
    panel.get_by_role("radio", name="random", exact=True).first.check()  # a seed's code: decoded, and read
    expect(ends.get_by_text(re.compile(r"This end: \d \(\d+%\)"))).to_be_visible()


PARITY_DIGITS = 1000
STYLES = ("dark on light", "light on dark", "strokes in the alpha")  # a photo or scan either way, and the pad's own
BUILD = """(k, top, left, style, digit) => { // the same picture as enlarged() below, built in the page
  const rgba = new Uint8ClampedArray(280 * 280 * 4);
  for (let y = 0; y < 280; y++) for (let x = 0; x < 280; x++) {
    const inside = y >= top && y < top + 28 * k && x >= left && x < left + 28 * k;
    const ink = inside ? digit[Math.floor((y - top) / k) * 28 + Math.floor((x - left) / k)] : 0;
    const at = 4 * (y * 280 + x);
    if (style === 2) rgba[at + 3] = ink;
    else rgba[at] = rgba[at + 1] = rgba[at + 2] = style === 0 ? 255 - ink : ink, rgba[at + 3] = 255;
  }
  return rgba;
}"""


def enlarged(digit: np.ndarray, k: int, top: int, left: int, style: int) -> np.ndarray:
    """An MNIST digit (uint8) drawn large (k times), off-centre on a 280x280 picture, in one of STYLES, as RGBA."""
    ink = np.zeros((280, 280), np.uint8)
    ink[top:top + 28 * k, left:left + 28 * k] = np.kron(digit, np.ones((k, k), np.uint8))
    if style == 2:
        return np.dstack([np.zeros((280, 280, 3), np.uint8), ink])
    grey = 255 - ink if style == 0 else ink
    return np.dstack([grey, grey, grey, np.full((280, 280), 255, np.uint8)])


def test_the_page_turns_a_thousand_drawings_into_the_input_the_server_makes(page, mnist_test, cnn):
    """Classify's preprocessing runs in the page (ui/web/preprocess.js): on a thousand MNIST test digits
    drawn large, thick and off-centre, dark on light, light on dark or as the pad draws them, its 28x28
    input is within one grey level of genlab.inference.preprocess's, says the same about the drawing, and
    the page's own graph (the CNN's, weights in float16) reads each as the server's CNN reads the server's."""
    rng = np.random.default_rng(0)
    digits = (mnist_test.images[:PARITY_DIGITS, 0].numpy() * 255).round().astype(np.uint8)
    cases = []
    for index, digit in enumerate(digits):
        k = int(rng.integers(4, 11))
        top, left = (int(v) for v in rng.integers(0, 281 - 28 * k, 2))
        cases.append((k, top, left, index % len(STYLES)))
    with ThreadPoolExecutor(1) as pool:  # the server's side on the second core while the page works on its own
        server_work = pool.submit(lambda: [prepare_digit(enlarged(digit, *case)) for digit, case in zip(digits, cases)])
        page_side = page.evaluate(f"""async ([cases, sent]) => {{  // pixels go both ways as base64: far quicker
            const {{ prepareDigit }} = await import(new URL('genlab/web/preprocess.js', document.baseURI).href);
            const {{ run, session }} = await import(new URL('genlab/web/runtime.js', document.baseURI).href);
            const build = {BUILD};
            const digits = Uint8Array.from(atob(sent), (c) => c.charCodeAt(0));
            const prepared = new Float32Array(784 * cases.length), notes = [];
            cases.forEach(([k, top, left, style], i) => {{
              const one = prepareDigit(build(k, top, left, style, digits.subarray(784 * i, 784 * i + 784)), 280, 280);
              prepared.set(one.digit, 784 * i);
              notes.push(one.notes);
            }});
            const spec = JSON.parse(window.gradio_config.components.find((c) => c.props.elem_id === '{LIVE_ID}').props.value);
            const chances = await run(await session(spec.reader), {{ image: {{ data: prepared, dims: [cases.length, 1, 28, 28] }} }},
                                      'probabilities');
            const read = cases.map((_, i) => {{
              const row = Array.from(chances.subarray(10 * i, 10 * i + 10));
              return row.indexOf(Math.max(...row));
            }});
            let binary = '';
            prepared.forEach((v) => {{ binary += String.fromCharCode(Math.round(255 * v)); }});
            return {{ inputs: btoa(binary), notes, read }};
        }}""", [cases, base64.b64encode(digits.tobytes()).decode()])
        server_side = server_work.result()
    page_inputs = np.frombuffer(base64.b64decode(page_side["inputs"]), np.uint8).reshape(-1, 28, 28).copy()
    server_inputs = np.array([s.digit for s in server_side])
    worst = int(np.abs(page_inputs.astype(np.int16) - np.round(server_inputs * 255)).max())
    assert worst <= 1, f"a page input differs from the server's by {worst} grey levels"
    assert page_side["notes"] == [s.notes for s in server_side]
    with torch.no_grad():
        read_on_server = cnn(torch.from_numpy(server_inputs).float().unsqueeze(1)).argmax(1)
    assert page_side["read"] == read_on_server.tolist()
