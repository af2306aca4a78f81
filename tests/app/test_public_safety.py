"""Safe to leave running in public: what a careless or hostile visitor sends cannot take the server's
memory, disk or queue, everybody else keeps being served, and a laptop does not offer the app to its
whole network unless asked to."""
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import fields
from pathlib import Path

import pytest
from gradio_client import Client, handle_file
from PIL import Image

import app
from benchmarks.running_app import free_port
from genlab.serve.fairness import Fairness
from tests.helpers import CHECKPOINTS, ROOT, draw_like_a_person


def production_limits(fairness: Fairness, monkeypatch) -> None:
    """The app's own limits on the running app's policy (the suite runs with a generous rate), for one test."""
    for field in fields(Fairness):
        if field.name in ("per_visitor", "per_address", "burst", "per_second"):
            monkeypatch.setattr(fairness, field.name, getattr(Fairness(), field.name))


def checkpoint_files(folder: Path, name: str, **config) -> list[str]:
    """A committed checkpoint's weights beside its metadata with some config values changed."""
    meta = json.loads((CHECKPOINTS / f"{name}.json").read_text())
    meta["config"].update(config)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(meta))
    (folder / f"{name}.safetensors").write_bytes((CHECKPOINTS / f"{name}.safetensors").read_bytes())
    return [handle_file(str(folder / f"{name}.safetensors")), handle_file(str(folder / f"{name}.json"))]


def only(folder: Path, name: str) -> Path:
    """A checkpoint folder holding one committed checkpoint, for an app whose other models a story
    never calls."""
    kept = folder / "checkpoints"
    kept.mkdir(exist_ok=True)
    for path in CHECKPOINTS.glob(f"{name}.*"):
        shutil.copy(path, kept)
    return kept


def refusal(call) -> str:
    with pytest.raises(Exception) as refused:
        call()
    return str(refused.value)


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the server runs in this process


def test_a_few_bytes_of_config_cannot_make_the_server_allocate_gigabytes(running_app, mnist_test, tmp_path):
    """Mallory uploads our own MLP's weights with a config asking for ever bigger models; each is refused
    by its size before anything is built, in words that name the limit and no server path, and Bob's
    model keeps working."""
    bob, mallory = Client(running_app.src, verbose=False), Client(running_app.src, verbose=False)
    bob_files = [handle_file(str(CHECKPOINTS / "cnn.safetensors")), handle_file(str(CHECKPOINTS / "cnn.json"))]
    assert bob.predict(bob_files, api_name="/upload_checkpoint").startswith("Loaded your classifier")
    peak = peak_memory_mb()
    wide = 784 * 640_000 + 640_000 + 640_000 * 10 + 10  # the MLP's weights and biases with that layer
    asks = {"one layer of 640,000 units": ({"hidden": [640_000]}, rf"{wide:,} parameters; the app loads up to"),
            "2,000 layers": ({"hidden": [800] * 2000}, r"'hidden' has 2,000 entries; at most 16"),
            "terabytes": ({"hidden": [2**20, 2**20]}, r"parameters; the app loads up to [\d,]+ \(4x the largest")}
    for what, (config, words) in asks.items():
        message = refusal(lambda: mallory.predict(checkpoint_files(tmp_path / what, "mlp", **config),
                                                  api_name="/upload_checkpoint"))
        assert re.search(words, message), f"{what}: {message}"
        assert str(tmp_path) not in message and "genlab-runs" not in message and "Traceback" not in message
    assert peak_memory_mb() - peak < 500, "no model was built for any of them"
    seven = tmp_path / "seven.png"
    Image.fromarray(draw_like_a_person(mnist_test.images[0, 0].numpy())).save(seven)
    assert bob.predict(handle_file(str(seven)), "mine", api_name="/classify")[0]["label"] == "7"


def test_a_flood_of_calls_from_one_client_is_turned_away_while_another_visitor_drags_a_slider(
        running_app, fairness, mnist_test, tmp_path, monkeypatch):
    """Mallory submits sixty readings at once; beyond the few calls one visitor may have in flight they
    are refused at the door with a message saying what to do, while Ann's slider moves all succeed."""
    production_limits(fairness, monkeypatch)
    seven = tmp_path / "seven.png"
    Image.fromarray(draw_like_a_person(mnist_test.images[0, 0].numpy())).save(seven)
    mallory, ann = Client(running_app.src, verbose=False), Client(running_app.src, verbose=False)
    flood = [mallory.submit(image=handle_file(str(seven)), model="cnn", api_name="/classify") for _ in range(60)]
    moves = [ann.predict("vae", 0.1 * i, *[0.0] * 15, api_name="/decode") for i in range(20)]
    assert all(Path(picture).is_file() for picture, _ in moves), "every slider move drew a digit"
    served, refused = 0, []
    for job in flood:
        try:
            served += job.result()[0]["label"] == "7"
        except Exception as err:  # the refusals: counted and read below
            refused.append(str(err))
    assert served >= 1 and refused, (served, refused[:1])
    assert all("calls waiting or running" in message and "try again" in message for message in refused), refused[0]


def test_calling_an_expensive_endpoint_faster_than_the_rate_is_told_when_to_try_again(running_app, fairness,
                                                                                       monkeypatch):
    """After a burst of grids, the next one waits its turn: the message says in how many seconds."""
    monkeypatch.setattr(fairness, "burst", 3)
    monkeypatch.setattr(fairness, "per_second", 0.5)
    greedy = Client(running_app.src, verbose=False)
    for seed in range(3):
        greedy.predict(model="dcgan", seed=seed, count=1, truncation=1.0, digit="any", api_name="/sample")
    message = refusal(lambda: greedy.predict(model="dcgan", seed=9, count=1, truncation=1.0, digit="any",
                                             api_name="/sample"))
    assert re.search(r"faster than this shared server allows \(3 at once, then 0.5 a second\): try again in "
                     r"[\d.]+ s", message), message
    assert running_app.predict("vae", *[0.0] * 16, api_name="/decode")[0], "everybody else is still served"


def test_hundreds_of_calls_leave_the_apps_file_cache_bounded(tmp_path, monkeypatch):
    """Every grid a visitor asks for is a new picture on disk; the app sweeps them after their age (a
    second here), so sixty calls (a file or more each) leave a folder that stops growing well short of
    sixty files and empties once nobody asks."""
    calls = 60
    cache = tmp_path / "cache"
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(cache))
    demo = app.build_app(cache_age=1)
    _, url, _ = app.launch(demo, Fairness(burst=1_000_000), prevent_thread_lock=True, server_name="127.0.0.1",
                           server_port=None, quiet=True)
    client = Client(url, verbose=False)
    try:
        sizes = []
        for seed in range(calls):
            client.predict(model="dcgan", seed=seed, count=4, truncation=1.0, digit="any", api_name="/sample")
            if seed % 20 == 19:
                sizes.append(sum(1 for p in cache.rglob("*") if p.is_file()))
        assert max(sizes) < calls // 2, f"files in the cache after every 20 calls: {sizes}"
        deadline = time.monotonic() + 60  # a sweep every second; on a busy machine (CI builds beside it) later
        while sum(1 for p in cache.rglob("*") if p.is_file()) >= 10:
            assert time.monotonic() < deadline, "the sweep empties it once the calls stop"
            time.sleep(0.5)
    finally:
        client.close()
        demo.close()


def test_python_app_py_listens_on_loopback_unless_told_otherwise(tmp_path):
    """On a laptop in a café, `python app.py` serves this machine only; a non-loopback address of the
    machine is refused."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "GRADIO_SERVER_NAME"} | {
        "GRADIO_SERVER_PORT": str(port), "GENLAB_CHECKPOINTS": str(only(tmp_path, "cnn"))}  # what it serves is not the point
    server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        for line in server.stdout:
            if "Running on local URL" in line:
                break
        assert f"http://127.0.0.1:{port}" in line, line
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        outside = [a for a in socket.gethostbyname_ex(socket.gethostname())[2] if not a.startswith("127.")]
        for address in outside:
            with pytest.raises(OSError):
                socket.create_connection((address, port), timeout=5).close()
    finally:
        server.terminate()
        server.wait(timeout=30)
