"""A picture of a digit given from a file, read in the visitor's page: chosen, dropped or pasted into the upload box,
it never leaves the browser, and the page reads it as the server reads an upload (genlab.inference.preprocess's
open_image and to_rgba: the same caps and refusals, the orientation the camera recorded, Pillow's box filter on
premultiplied pixels for a large picture), so that the reading is the server's."""
import base64
import io

import numpy as np
import pytest
import torch
from gradio_client import handle_file
from PIL import Image
from playwright.sync_api import Page, expect

from genlab.inference.classify import captions
from genlab.inference.explorer import Explorer
from genlab.inference.latent import path as latent_path
from genlab.inference.preprocess import MAX_FILE_BYTES, NOT_AN_IMAGE, TOO_BIG, WORK_SIDE, open_image
from genlab.models.loading import load_checkpoint
from tests.browser.test_browser import open_tab
from tests.browser.test_browser_inference import drawn_in_page, read_as_the_server_reads, server_calls
from tests.helpers import CHECKPOINTS
from ui.classify import FROM_UPLOAD, UPLOAD_LABEL
from ui.explore import UPLOAD_LABEL as EXPLORER_UPLOAD

pytestmark = pytest.mark.usefixtures("readme_screenshots_untouched")
expect.set_options(timeout=20_000)
ORIENTATION = 0x0112  # the EXIF tag a camera writes its turn in


def pictures(digits: np.ndarray) -> dict[str, tuple[bytes, str]]:
    """Pictures of MNIST test digits as people give them, by file name: a big dark-on-light scan, light ink on a
    transparent background (half-transparent at its edges), a phone's JPEG stored sideways with the turn in its
    EXIF, a small greyscale PNG."""
    def png(image: Image.Image) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        return buffer.getvalue()

    scan = Image.fromarray(255 - digits[0]).resize((560, 600), Image.NEAREST).convert("RGB")
    ink = Image.fromarray(digits[1]).resize((1300, 900), Image.BILINEAR)
    transparent = Image.merge("RGBA", [Image.new("L", ink.size, 250)] * 3 + [ink])
    photo = Image.fromarray(255 - digits[2]).resize((640, 800), Image.BILINEAR).rotate(90, expand=True)
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # the camera turned: show it turned a quarter clockwise
    buffer = io.BytesIO()
    photo.convert("RGB").save(buffer, "JPEG", quality=92, exif=exif)
    return {"scan.png": (png(scan), "image/png"), "ink.png": (png(transparent), "image/png"),
            "photo.jpg": (buffer.getvalue(), "image/jpeg"), "small.png": (png(Image.fromarray(255 - digits[3])), "image/png")}


def test_a_picture_from_a_file_is_read_in_the_page_as_the_server_reads_it(page: Page, mnist_test, cnn):
    panel = open_tab(page, "Classify")
    drawn_in_page(page, "classify")
    expect(page.locator("#genlab-classify-upload")).to_be_hidden()  # the server's upload stands down while the page reads
    live = page.locator("#genlab-classify-live")
    box = panel.get_by_label(UPLOAD_LABEL, exact=True)
    calls = server_calls(page)
    digits = (mnist_test.images[:4, 0].numpy() * 255).round().astype(np.uint8)
    for name, (data, kind) in pictures(digits).items():
        box.set_input_files({"name": name, "mimeType": kind, "buffer": data})
        read_as_the_server_reads(page, live, cnn.eval(), open_image(data), FROM_UPLOAD)
        expect(panel.get_by_alt_text("The picture given")).to_be_visible()
    status = panel.get_by_text("⚠", exact=False)
    box.set_input_files({"name": "notes.png", "mimeType": "image/png", "buffer": b"not a picture at all"})
    expect(status).to_have_text(f"⚠ {NOT_AN_IMAGE}")
    box.set_input_files({"name": "huge.png", "mimeType": "image/png", "buffer": bytes(MAX_FILE_BYTES + 1)})
    expect(status).to_have_text(f"⚠ {TOO_BIG.format(mb=MAX_FILE_BYTES >> 20)}")
    panel.get_by_role("button", name="Clear", exact=True).click()
    expect(panel.get_by_text("Draw a digit in the box, or upload an image.")).to_be_visible()
    assert calls == [], "no picture went to the server"


def test_the_page_shrinks_a_large_picture_as_pillow_does(page: Page):
    """A picture larger than the preprocessing's working size is shrunk in the page to the very pixels Pillow's
    box filter gives the server, half-transparent pixels included."""
    rng = np.random.default_rng(1)
    for width, height in ((1100, 700), (600, 1537), (513, 200)):
        rgba = rng.integers(0, 256, (height, width, 4), dtype=np.uint8)
        rgba[..., 3] = np.where(rng.random((height, width)) < 0.3, 255, rgba[..., 3])  # some opaque, some not
        scale = WORK_SIDE / max(width, height)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        pillow = np.asarray(Image.fromarray(rgba, "RGBA").resize(size, Image.BOX))
        shrunk = page.evaluate("""async ([sent, width, height, side]) => {
            const { shrunk } = await import(new URL('genlab/web/upload.js', document.baseURI).href);
            const data = Uint8ClampedArray.from(atob(sent), (c) => c.charCodeAt(0));
            const out = shrunk(data, width, height, side);
            let binary = '';
            out.data.forEach((v) => { binary += String.fromCharCode(v); });
            return { data: btoa(binary), width: out.width, height: out.height };
        }""", [base64.b64encode(rgba.tobytes()).decode(), width, height, WORK_SIDE])
        assert (shrunk["width"], shrunk["height"]) == size
        page_side = np.frombuffer(base64.b64decode(shrunk["data"]), np.uint8).reshape(size[1], size[0], 4)
        assert np.array_equal(page_side, pillow), f"{width}x{height}: {int((page_side != pillow).sum())} values differ"


def test_a_picture_from_a_file_is_encoded_and_walked_from_in_the_page(page: Page, running_app, mnist_test, cnn,
                                                                        tmp_path):
    """Under "Encode your own digit" a visitor gives a scan of a 7 to the upload box and presses Encode: the sliders
    go to /encode's code for that file, the reading says what /encode says; then they interpolate from it ("my
    drawing", which is their picture while one is given) to test digit 1: the frames the server draws from the same
    file. None of it asks the server."""
    panel = open_tab(page, "VAE explorer")
    drawn_in_page(page, "explore")
    calls = server_calls(page)
    panel.get_by_text("Encode your own digit", exact=True).click()
    expect(page.locator("#genlab-vae-upload")).to_be_hidden()
    digits = (mnist_test.images[:4, 0].numpy() * 255).round().astype(np.uint8)
    scan = tmp_path / "scan.png"
    scan.write_bytes(pictures(digits)["scan.png"][0])
    panel.get_by_label(EXPLORER_UPLOAD, exact=True).set_input_files(scan)
    panel.get_by_role("button", name="Encode", exact=True).click()
    *sliders, _, reading, _, _ = running_app.predict("vae2d", "", handle_file(str(scan)), api_name="/encode")
    expect(page.locator("#genlab-z1 input[type=number]")).to_have_value(f"{sliders[0]:g}")
    expect(page.locator("#genlab-z2 input[type=number]")).to_have_value(f"{sliders[1]:g}")
    expect(page.locator("#genlab-vae-live .genlab-reading")).to_have_text(reading.replace("**", ""))

    panel.get_by_text("Interpolate between two digits", exact=True).click()
    panel.get_by_role("radio", name="my drawing", exact=True).first.check()
    vae, explorer = load_checkpoint(CHECKPOINTS / "vae2d"), Explorer(cnn.eval(), torch.device("cpu"))
    ends = [("my drawing", 0), ("test digit", 1)]
    titles = [explorer.end_preview(vae, source, number, [], None, str(scan))[1] for source, number in ends]
    shown = page.wait_for_function("""(titles) => { const drawn = window.genlab.grids?.['vae-between'];
        return drawn && JSON.stringify(drawn.titles) === JSON.stringify(titles) && drawn; }""", arg=titles).json_value()
    a, b = (explorer.endpoint(vae, source, number, [], None, str(scan)) for source, number in ends)
    with torch.no_grad():
        images = vae.model.decode(latent_path(a, b, 10, True))
    assert shown["captions"] == captions(cnn, images)
    assert np.abs(np.array(shown["images"]) - images.flatten().numpy()).max() <= 1 / 255
    assert calls == [], "no picture went to the server"
