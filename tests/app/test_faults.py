"""Faults a public Space meets: broken checkpoint files at start-up, a training process that dies
midway, more visitors' models than memory holds. Each leaves a clear message and everything else
working."""
import os
import shutil
from urllib.request import urlopen

import pytest
from gradio_client import Client

from tests.helpers import CHECKPOINTS


@pytest.fixture(scope="module")
def app_with_broken_checkpoints(tmp_path_factory):
    """The app started on a copy of the checkpoints where the VAE's weights are cut in half and the
    MLP's weights are replaced by garbage."""
    import app

    folder = tmp_path_factory.mktemp("checkpoints")
    for path in CHECKPOINTS.iterdir():
        shutil.copy(path, folder / path.name)
    vae = (folder / "vae.safetensors").read_bytes()
    (folder / "vae.safetensors").write_bytes(vae[:len(vae) // 2])
    (folder / "mlp.safetensors").write_bytes(os.urandom(4096))
    demo = app.build_app(folder)
    _, url, _ = app.launch(demo, prevent_thread_lock=True, server_name="127.0.0.1", server_port=None, quiet=True)
    client = Client(url, verbose=False)
    yield client, folder
    client.close()
    demo.close()


def test_broken_checkpoints_are_named_at_start_up_and_the_rest_works(app_with_broken_checkpoints):
    client, folder = app_with_broken_checkpoints
    page = urlopen(client.src + "config").read().decode()
    assert "vae.safetensors" in page and "truncated or corrupt" in page, "the header names the broken file"
    assert "mlp.safetensors" in page

    with pytest.raises(Exception, match="could not be loaded.*vae.safetensors"):
        client.predict("vae", *[0.0] * 16, api_name="/decode")
    grid, reading = client.predict("dcgan", 3, 8, 1.0, "any", api_name="/sample")
    assert "reads these 8 samples" in reading, "the GAN sampler still works"
    decoded = client.predict("vae2d", *[0.0] * 16, api_name="/decode")
    assert decoded[0], "the other VAE still decodes"


