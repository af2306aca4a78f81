"""The running app, driven through gradio_client the way an API user (or the browser) drives it."""

import numpy as np
import pytest
from gradio_client import handle_file
from PIL import Image

from tests.helpers import draw_like_a_person


def save(array: np.ndarray, path) -> str:
    Image.fromarray(array).save(path)
    return handle_file(str(path))


def test_the_api_lists_the_classify_endpoint(running_app):
    endpoints = running_app.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert "/classify" in endpoints
    assert [p["parameter_name"] for p in endpoints["/classify"]["parameters"]] == ["image", "model"]


@pytest.mark.smoke
@pytest.mark.parametrize("model", ["cnn", "mlp"])
def test_a_real_test_digit_drawn_large_and_off_centre_is_read_right(running_app, mnist_test, tmp_path, model):
    for index in (0, 1, 2):  # a 7, a 2 and a 1
        page = draw_like_a_person(mnist_test.images[index, 0].numpy(), at=(30, 420), size=360)
        label, seen, why, status = running_app.predict(save(page, tmp_path / f"{index}.png"), model,
                                                       api_name="/classify")
        truth = str(int(mnist_test.labels[index]))
        assert label["label"] == truth
        assert label["confidences"][0]["label"] == truth and label["confidences"][0]["confidence"] > 0.9
        assert f"Read as **{truth}**" in status
        assert np.asarray(Image.open(seen)).shape[:2] == (224, 224)
        assert np.asarray(Image.open(why)).shape == (224, 224, 3)


def test_bad_input_gets_a_readable_error_and_the_server_keeps_serving(running_app, mnist_test, tmp_path):
    not_an_image = tmp_path / "digit.png"
    not_an_image.write_text("definitely not a PNG")
    huge = tmp_path / "huge.png"
    Image.new("L", (9000, 6000), 255).save(huge)
    noise = (np.random.default_rng(1).random((300, 300)) * 255).astype(np.uint8)
    cases = [
        ((save(np.full((280, 280), 255, np.uint8), tmp_path / "blank.png"), "cnn"), "blank"),
        ((handle_file(str(not_an_image)), "cnn"), "not an image"),
        ((handle_file(str(huge)), "cnn"), "megapixel cap"),
        ((save(noise, tmp_path / "noise.png"), "cnn"), "noise"),
        ((None, "cnn"), "No image was given"),
        ((save(draw_like_a_person(mnist_test.images[0, 0].numpy()), tmp_path / "ok.png"), "resnet"),
         "not in the list of choices"),
    ]
    for args, message in cases:
        with pytest.raises(Exception, match=message):
            running_app.predict(*args, api_name="/classify")
    label, *_ = running_app.predict(save(draw_like_a_person(mnist_test.images[0, 0].numpy()), tmp_path / "7.png"),
                                    "cnn", api_name="/classify")
    assert label["label"] == "7"


