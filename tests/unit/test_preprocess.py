"""A digit drawn or photographed any way a person would is turned into an MNIST-style input."""
import base64
from io import BytesIO

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from genlab.inference.classify import read_digit
from genlab.inference.preprocess import (
    MAX_PIXELS,
    BlankImageError,
    InputError,
    NotADigitError,
    label_blobs,
    open_drawing,
    open_image,
    prepare_digit,
)
from tests.helpers import draw_like_a_person


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.ravel() - a.mean(), b.ravel() - b.mean()
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


@pytest.mark.parametrize("style", ["dark on light", "light on dark", "transparent background"])
def test_a_large_off_centre_digit_comes_out_like_the_mnist_original(mnist_test, cnn, style):
    similarities, correct = [], 0
    for i in range(40):
        digit, label = mnist_test.images[i, 0].numpy(), int(mnist_test.labels[i])
        page = draw_like_a_person(digit, dark_on_light=style == "dark on light")
        if style == "transparent background":  # strokes only in the alpha channel, as the drawing pad sends them
            page = np.dstack([np.zeros(page.shape + (3,), np.uint8), page])
        prepared = prepare_digit(page)
        assert prepared.digit.shape == (28, 28)
        similarities.append(similarity(prepared.digit, digit))
        correct += read_digit(cnn, page).label == str(label)
    assert np.median(similarities) > 0.85, similarities
    assert min(similarities) > 0.6, similarities
    assert correct >= 39, f"only {correct}/40 read right"


def strokes(number: int, width: int, size: int = 800) -> np.ndarray:
    """A digit drawn with lines on a white canvas, the way a mouse or a pen draws it."""
    page = Image.new("L", (size, size), 255)
    pen = ImageDraw.Draw(page)
    s = size / 800
    shapes = {
        0: lambda: pen.ellipse([300 * s, 150 * s, 520 * s, 600 * s], outline=0, width=width),
        1: lambda: pen.line([(420 * s, 140 * s), (400 * s, 620 * s)], fill=0, width=width),
        7: lambda: pen.line([(260 * s, 170 * s), (540 * s, 170 * s), (360 * s, 640 * s)], fill=0, width=width,
                            joint="curve"),
    }
    shapes[number]()
    return np.asarray(page)


@pytest.mark.parametrize("number, width", [(0, 2), (0, 14), (0, 60), (1, 2), (1, 14), (1, 60), (1, 120),
                                           (7, 2), (7, 14), (7, 60), (7, 120)])
def test_thin_and_thick_pen_strokes_are_read_right(cnn, number, width):
    reading = read_digit(cnn, strokes(number, width))
    assert reading.label == str(number), (reading.probabilities, reading.notes)


def test_a_thin_pen_is_thickened_and_a_fat_brush_thinned():
    assert "thickened thin strokes" in prepare_digit(strokes(7, 2)).notes
    assert "thinned thick strokes" in prepare_digit(strokes(7, 120)).notes


def test_specks_of_dust_beside_the_digit_are_ignored(mnist_test, cnn):
    clean = draw_like_a_person(mnist_test.images[0, 0].numpy())
    dusty = clean.copy()
    dusty[20:26, 700:706] = 0  # dust in the far corner
    dusty[580:584, 760:764] = 0
    prepared = prepare_digit(dusty)
    assert any("specks" in note for note in prepared.notes)
    assert similarity(prepared.digit, prepare_digit(clean).digit) > 0.98


@pytest.mark.parametrize("blank", [
    np.full((300, 300), 255, np.uint8),  # white paper
    np.zeros((300, 300), np.uint8),  # black slate
    np.zeros((420, 420, 4), np.uint8),  # a cleared drawing: fully transparent
    np.full((300, 300, 3), (200, 180, 90), np.uint8),  # a flat colour
])
def test_a_blank_picture_says_so_instead_of_guessing(blank):
    with pytest.raises(BlankImageError, match="blank"):
        prepare_digit(blank)


@pytest.mark.parametrize("make_noise", [
    lambda rng: (rng.random((300, 300)) * 255).astype(np.uint8),
    lambda rng: np.clip(rng.normal(128, 40, (400, 300, 3)), 0, 255).astype(np.uint8),
    lambda rng: ((rng.random((300, 300)) > 0.97) * 255).astype(np.uint8),
])
def test_pure_noise_is_refused_as_not_a_digit(make_noise):
    with pytest.raises(NotADigitError):
        prepare_digit(make_noise(np.random.default_rng(0)))


def test_files_that_are_not_images_or_are_too_big_get_a_clear_message(tmp_path):
    text = tmp_path / "notes.png"
    text.write_text("this is not a picture")
    with pytest.raises(InputError, match="not an image"):
        open_image(text)
    huge = tmp_path / "huge.png"
    Image.new("L", (9000, 6000), 255).save(huge)  # 54 megapixels, a few KB on disk
    with pytest.raises(InputError, match="megapixel cap"):
        open_image(huge)
    with pytest.raises(InputError, match="cap"):
        prepare_digit(np.zeros((MAX_PIXELS // 1000 + 1, 1000), np.uint8))


def test_a_phone_photo_stored_sideways_is_read_the_way_its_camera_says_it_stands(mnist_test, cnn):
    """Phones store a photo as the sensor saw it and note in its EXIF how to turn it: a 7 photographed with the
    phone on its side is read upright, as any browser shows it (and as the page reads it, ui/web/upload.js)."""
    upright = Image.fromarray(draw_like_a_person(mnist_test.images[0, 0].numpy())).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # EXIF orientation: turn a quarter clockwise to show
    stored = BytesIO()
    upright.rotate(90, expand=True).save(stored, "JPEG", quality=95, exif=exif.tobytes())
    photo = open_image(stored.getvalue())
    assert photo.size == upright.size
    reading = read_digit(cnn, photo, torch.device("cpu"))
    assert reading.label == "7", reading.probabilities
    assert similarity(reading.digit, prepare_digit(upright).digit) > 0.97


def test_odd_arrays_are_refused_with_a_message():
    with pytest.raises(InputError, match="finite"):
        prepare_digit(np.full((50, 50), np.nan, np.float32))
    with pytest.raises(InputError, match="shape"):
        prepare_digit(np.zeros((10, 10, 7), np.uint8))


def test_the_reading_explains_itself(mnist_test, cnn, mlp):
    pages = [draw_like_a_person(mnist_test.images[i, 0].numpy()) for i in (0, 3)]  # a 7 and a 0
    for model in (cnn, mlp):
        readings = [read_digit(model, page) for page in pages]
        for reading in readings:
            assert abs(sum(reading.probabilities.values()) - 1) < 1e-4
            assert reading.heat.shape == (28, 28) and reading.heat.min() >= 0
            assert reading.heat.max() == pytest.approx(1) and np.median(reading.heat) < 0.5  # it points somewhere
        assert similarity(readings[0].heat, readings[1].heat) < 0.9  # and somewhere else for another digit
    near_ink = torch.nn.functional.max_pool2d(torch.from_numpy(readings[1].digit)[None], 3, 1, 1)[0].numpy() > 0
    assert readings[1].heat[~near_ink].max() == 0  # the MLP's saliency lives on the ink only


def as_the_pad_sends_it(rgba: np.ndarray) -> str:
    """A drawing as the page's drawing pad sends it (ui/web/drawpad.js): a PNG data URL."""
    png = BytesIO()
    Image.fromarray(rgba).save(png, format="PNG")
    return "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()


def test_a_drawing_from_the_pad_reads_as_the_picture_it_holds(mnist_test, cnn):
    page = draw_like_a_person(mnist_test.images[0, 0].numpy(), dark_on_light=False)
    strokes_in_alpha = np.dstack([np.zeros(page.shape + (3,), np.uint8), page])
    drawing = open_drawing(as_the_pad_sends_it(strokes_in_alpha))
    assert np.array_equal(np.asarray(drawing), strokes_in_alpha)
    assert read_digit(cnn, drawing).label == read_digit(cnn, strokes_in_alpha).label == str(int(mnist_test.labels[0]))
    assert open_drawing("") is None and open_drawing(None) is None  # nothing drawn yet, or cleared


@pytest.mark.parametrize("drawing, words", [
    ("abc", "PNG data URL"), (5, "PNG data URL"), ({"composite": None}, "PNG data URL"),
    ("data:image/png;base64,@@@", "PNG data URL"), ("data:image/png;base64,aGVsbG8=", "not an image that can be read"),
    ("data:image/png;base64," + "A" * 2_000_000, "over 2 MB")])
def test_anything_else_sent_as_a_drawing_gets_a_message_saying_what_a_drawing_is(drawing, words):
    with pytest.raises(InputError, match=words):
        open_drawing(drawing)


def test_pixels_touching_even_at_a_corner_are_one_blob():
    mask = torch.tensor([[1, 0, 0, 1],
                         [0, 1, 0, 0],
                         [0, 0, 0, 1],
                         [1, 1, 0, 1]], dtype=torch.bool)
    labels = label_blobs(mask)
    assert labels[0, 0] == labels[1, 1] and labels[2, 3] == labels[3, 3] and labels[3, 0] == labels[3, 1]
    assert len({labels[0, 0].item(), labels[0, 3].item(), labels[2, 3].item(), labels[3, 0].item()}) == 4
    assert (labels[~mask] == 0).all() and (labels[mask] > 0).all()
