"""`python -m benchmarks soak [SECONDS]`: the app left running in public for a while (10 minutes unless
GENLAB_SOAK_SECONDS says otherwise), loopback only. Sixteen simulated visitors drag sliders, sample,
classify, write, walk lines, upload good and bad checkpoints, two of them train, and every so often one
leaves and a new one arrives. Reported: the server's resident memory and the disk its files take, at the
start and the end; the calls refused by the fairness policy and any that failed otherwise; p50/p95 per
endpoint."""
import os
import random
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator

import numpy as np
import torch
from gradio_client import Client, handle_file
from PIL import Image

from benchmarks.load import Outcomes
from benchmarks.running_app import RunningApp, train_call
from genlab.commands.bench import Row, drawn_page, p50_p95
from genlab.core.checkpoint import checkpoint_dir
from genlab.inference.explorer import SLIDERS

VISITORS = 16
CACHE_AGE = 120  # seconds the soaked app keeps the files it makes (GENLAB_CACHE_AGE)
LEAVES_EVERY = 40  # calls a visitor makes before leaving for a new one


def resident_mb(pid: int) -> float:
    """The process's resident memory, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def disk_mb(folder: Path) -> float:
    """What the files under `folder` take, while the server creates and deletes them: a folder or file
    gone between listing and reading counts as nothing (rglob raised here, ending a soak early)."""
    total = 0
    for parent, _, names in os.walk(folder):  # os.walk skips a folder that vanished under it
        for name in names:
            try:
                total += os.stat(os.path.join(parent, name)).st_size
            except FileNotFoundError:
                pass
    return total / 2**20


def refused_readably(call) -> None:
    """A call that must be refused with a message naming no server path (a broken upload)."""
    try:
        call()
    except Exception as err:  # the refusal expected
        if "/tmp" in str(err) or "Traceback" in str(err):
            raise AssertionError(f"the refusal shows server internals: {err}") from None
        return
    raise AssertionError("a broken checkpoint was accepted")


def visitor(src: str, index: int, stop_at: float, files: dict[str, Path], outcomes: Outcomes) -> None:
    """One seat in the soak: visitors come, make LEAVES_EVERY calls of every kind, and go; the first
    visitors of seats 0 and 1 also start a training run each."""
    rng, arrivals = random.Random(index), 0
    while time.monotonic() < stop_at:
        client, arrivals = Client(src, verbose=False), arrivals + 1
        if index < 2 and arrivals == 1:
            architecture, seconds = ("cnn", 60) if index == 0 else ("dcgan", 120)
            client.submit(api_name="/train", **train_call(architecture, max_seconds=seconds))
        calls = {
            "decode": lambda: client.predict(model="vae", api_name="/decode",
                                             **{f"z{i + 1}": rng.uniform(-3, 3) for i in range(SLIDERS)}),
            "sample": lambda: client.predict(model="dcgan", seed=rng.randrange(2**32), count=16, truncation=1.0,
                                             digit="any", api_name="/sample"),
            "classify": lambda: client.predict(image=handle_file(str(files["digit"])), model="cnn",
                                               api_name="/classify"),
            "generate": lambda: client.predict(prompt="ROMEO:", model="lstm", temperature=0.8, top_k=0, top_p=1.0,
                                               length=60, seed=rng.randrange(2**32), greedy=False,
                                               api_name="/generate"),
            "walk_lines": lambda: client.predict(model="textvae", first="I will go.", second="What say you?",
                                                 steps=4, spherical=False, api_name="/walk_lines"),
            "upload_checkpoint": lambda: client.predict(
                files=[handle_file(str(files["weights"])), handle_file(str(files["good"]))],
                api_name="/upload_checkpoint"),
            "upload_checkpoint (a config too big, refused)": lambda: refused_readably(lambda: client.predict(
                files=[handle_file(str(files["weights"])), handle_file(str(files["bad"]))],
                api_name="/upload_checkpoint")),
        }
        weights = {"decode": 8, "sample": 3, "classify": 3, "generate": 2, "walk_lines": 1, "upload_checkpoint": 1,
                   "upload_checkpoint (a config too big, refused)": 1}
        for _ in range(LEAVES_EVERY):
            if time.monotonic() >= stop_at:
                break
            endpoint = rng.choices(list(weights), list(weights.values()))[0]
            outcomes.record(endpoint, calls[endpoint])
            time.sleep(rng.uniform(0.05, 0.5))  # a person's pace, give or take
        client.close()


def bench_soak(device: torch.device) -> Iterator[Row]:
    seconds = float(os.environ.get("GENLAB_SOAK_SECONDS", 600))
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        scratch, own = folder / "server", folder / "visitors"
        scratch.mkdir()
        own.mkdir()
        files = {"digit": own / "digit.png", "weights": own / "cnn.safetensors", "good": own / "cnn.json",
                 "bad": own / "broken.json"}
        Image.fromarray(drawn_page()).save(files["digit"])
        shutil.copy(checkpoint_dir() / "cnn.safetensors", files["weights"])
        shutil.copy(checkpoint_dir() / "cnn.json", files["good"])
        files["bad"].write_text('{"format": "genlab-checkpoint", "format_version": 1, "arch": "mlp", '
                                '"family": "classifier", "config": {"hidden": [640000]}}')
        env = {"GRADIO_TEMP_DIR": str(scratch / "gradio"), "TMPDIR": str(scratch), "GENLAB_CACHE_AGE": str(CACHE_AGE)}
        server = RunningApp(env=env, metered=True)
        with server as client:
            outcomes, warm_up = Outcomes(), max(30.0, seconds / 10)
            start = time.monotonic()
            stop_at = start + warm_up + seconds
            seats = [threading.Thread(target=visitor, args=(client.src, i, stop_at, files, outcomes))
                     for i in range(VISITORS)]
            for seat in seats:
                seat.start()
            readings = []  # (seconds since the start, resident MB, disk MB), every 10 s
            while any(seat.is_alive() for seat in seats):
                readings.append((time.monotonic() - start, resident_mb(server.process.pid), disk_mb(scratch)))
                time.sleep(10)
            for seat in seats:
                seat.join()
    warm = [r for r in readings if r[0] >= warm_up]
    (_, first_memory, first_disk), (_, last_memory, last_disk) = warm[0], warm[-1]
    yield (f"soak: {VISITORS} visitors for {seconds / 60:.0f} min after {warm_up:.0f} s of warm-up, the server's "
           "resident memory", f"{first_memory:,.0f} MB after the warm-up, {last_memory:,.0f} MB at the end, "
           f"{max(r[1] for r in warm):,.0f} MB at most", "", f"{(last_memory - first_memory) / first_memory:+.1%}")
    minutes = [r[1] for r in warm[::6]]  # a reading a minute: a plateau and a leak look different here
    half = len(warm) // 2
    yield ("soak: the server's resident memory each minute after the warm-up",
           ", ".join(f"{mb:,.0f}" for mb in minutes) + " MB", "growth in the first half, in the second",
           f"{(warm[half][1] - first_memory) / first_memory:+.1%}, {(last_memory - warm[half][1]) / first_memory:+.1%}")
    yield (f"soak: disk the server's files take (cache swept after {CACHE_AGE} s)",
           f"{first_disk:,.1f} MB after the warm-up, {last_disk:,.1f} MB at the end, "
           f"{max(r[2] for r in warm):,.1f} MB at most", "", "")
    yield ("soak: calls", f"{sum(map(len, outcomes.latencies.values())):,} served, {len(outcomes.refusals)} refused "
           f"by the fairness policy, {len(outcomes.failures)} failed otherwise"
           + (f"; first: {outcomes.failures[0][:150]}" if outcomes.failures else ""), "", "")
    for endpoint, times in sorted(outcomes.latencies.items()):
        yield f"soak: /{endpoint}", f"{p50_p95(np.array(times))} ({len(times)} calls)", "", ""
