"""Many people at once: concurrent gradio_client users on loopback move sliders, sample grids,
classify digits and write text for a bounded time, and nobody gets an error. Half of them send the
same picture, so the app makes byte-identical outputs at the same moment (which once cut responses
short in Gradio's file cache)."""
from gradio_client import Client
from PIL import Image

from benchmarks.load import load_test

USERS = 8
SECONDS = 8  # every visitor goes round the four calls at least once, however long a call takes


def test_eight_concurrent_users_get_answers_and_no_errors(running_app, mnist_test, tmp_path):
    pngs = [str(tmp_path / f"digit{i}.png") for i in range(USERS // 2)]  # half draw their own digit...
    for i, png in enumerate(pngs):
        Image.fromarray(255 - (mnist_test.images[i, 0].numpy() * 255).astype("uint8")).resize((280, 280)).save(png)
    pngs += [pngs[0]] * (USERS - len(pngs))  # ...and half send the same picture
    outcomes = load_test(lambda: Client(running_app.src, verbose=False), USERS, SECONDS, pngs)
    assert outcomes.failures == [] and outcomes.refusals == [], "eight visitors are well within their fair shares"
    for endpoint, times in outcomes.latencies.items():
        assert len(times) >= USERS, f"every user got at least one /{endpoint} answer"
    assert running_app.predict("vae", *[0.0] * 16, api_name="/decode")[0], "the server still serves afterwards"
