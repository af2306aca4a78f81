"""`python -m benchmarks [gradio classify explore sample text lines load fair soak browser]`: the app as visitors meet it,
through gradio_client against `python app.py` on a free loopback port, each figure beside the same
work done by the model alone (the functions the tabs call, genlab.commands.bench) in the same run. Calls name
their parameters as view_api lists them, so they do not depend on argument order."""
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import numpy as np
import torch
from gradio_client import Client, handle_file
from PIL import Image

from benchmarks.browser import bench_browser
from benchmarks.load import flood, load_test
from benchmarks.running_app import RunningApp, train_call
from benchmarks.soak import bench_soak
from genlab.commands import bench
from genlab.commands.bench import Row, latencies_ms, p50_p95, print_table, ratio
from genlab.core.checkpoint import checkpoint_dir
from genlab.core.data import load_mnist
from genlab.inference.explorer import SLIDERS
from genlab.models.loading import load_checkpoint

USER_COUNTS = (1, 4, 16)


def bench_gradio_floor(device: torch.device) -> Iterator[Row]:
    """What any request costs through Gradio and gradio_client here, whatever the model does."""
    with RunningApp(("-m", "benchmarks.reference_app")) as client:
        noop = latencies_ms(lambda: client.predict("x", api_name="/noop"), repeat=40)
        blank = latencies_ms(lambda: client.predict("x", api_name="/blank_image"), repeat=40)
    yield "Gradio floor: a no-op endpoint through gradio_client", p50_p95(noop), "", ""
    yield ("Gradio floor: an endpoint returning a blank 224x224 PNG", p50_p95(blank), "no-op endpoint",
           ratio(np.median(blank), np.median(noop)))


def bench_classify(device: torch.device) -> Iterator[Row]:
    with tempfile.TemporaryDirectory() as folder, RunningApp() as client:
        path = Path(folder) / "digit.png"
        Image.fromarray(bench.drawn_page()).save(path)
        for name in ("cnn", "mlp"):
            app = latencies_ms(lambda: client.predict(image=handle_file(str(path)), model=name, api_name="/classify"),
                               repeat=40)
            alone = bench.read_digit_ms(name, device, repeat=40)
            yield (f"{name}: /classify through the running app", p50_p95(app), f"model alone {p50_p95(alone)}",
                   ratio(np.median(app), np.median(alone)))


def bench_explore(device: torch.device) -> Iterator[Row]:
    with RunningApp() as client:
        for name in ("vae2d", "vae"):
            latent = load_checkpoint(checkpoint_dir() / name).meta["config"]["latent"]
            values = iter(np.random.default_rng(0).uniform(-3, 3, (1000, SLIDERS)).round(2).tolist())
            app = latencies_ms(lambda: client.predict(model=name, api_name="/decode",
                                                      **{f"z{i + 1}": v for i, v in enumerate(next(values))}),
                               repeat=60)
            alone = bench.slider_move_ms(name, device)
            yield (f"{name}: one slider move through the running app ({latent}-D, /decode)", p50_p95(app),
                   f"model alone {p50_p95(alone)}", ratio(np.median(app), np.median(alone)))


def bench_sample(device: torch.device) -> Iterator[Row]:
    with RunningApp() as client:
        for name in ("mlpgan", "dcgan", "cdcgan"):
            seeds = iter(range(10_000))
            app = latencies_ms(lambda: client.predict(model=name, seed=next(seeds), count=64, truncation=1.0,
                                                      digit="any", api_name="/sample"), repeat=30)
            alone = bench.grid_ms(name, device)
            app_per_s, alone_per_s = 64 / (np.median(app) / 1000), 64 / (np.median(alone) / 1000)
            yield (f"{name}: grid of 64 through the running app (/sample)",
                   f"{app_per_s:,.0f} samples/s ({p50_p95(app)})", f"model alone {alone_per_s:,.0f}/s",
                   ratio(app_per_s, alone_per_s))


def bench_text(device: torch.device) -> Iterator[Row]:
    alone = bench.writing_chars_per_s(device)
    with RunningApp() as client:
        times, first = [], []
        for seed in range(5):
            start = time.perf_counter()
            job = client.submit(prompt=bench.PROMPT, model="lstm", temperature=0.8, top_k=0, top_p=1.0,
                                length=bench.LENGTH, seed=seed, greedy=False, api_name="/generate")
            for i, _ in enumerate(job):
                if i == 0:
                    first.append(time.perf_counter() - start)
            times.append(time.perf_counter() - start)
    through_app = bench.LENGTH / np.median(times)
    yield (f"lstm: {bench.LENGTH} characters streamed through the running app (/generate)",
           f"{through_app:,.0f} chars/s, first text after {np.median(first) * 1000:.0f} ms",
           f"model alone {alone:,.0f} chars/s", ratio(through_app, alone))


def bench_lines(device: torch.device) -> Iterator[Row]:
    walk_alone, compare_alone = bench.walk_ms(device), bench.compare_ms(device)
    with RunningApp() as client:
        first, second = bench.LINES
        walked = latencies_ms(lambda: client.predict(model="textvae", first=first, second=second, steps=8,
                                                     spherical=False, api_name="/walk_lines"), repeat=20)
        seeds = iter(range(10_000))
        compared = latencies_ms(lambda: client.predict(model="textgan", count=8, temperature=1.0, seed=next(seeds),
                                                       api_name="/sample_text_gan"), repeat=20)
    yield ("textvae: walk of 8 lines through the running app (/walk_lines)", p50_p95(walked),
           f"model alone {p50_p95(walk_alone)}", ratio(np.median(walked), np.median(walk_alone)))
    yield ("textgan: 8 lines from each of 3 writers through the running app (/sample_text_gan)", p50_p95(compared),
           f"model alone {p50_p95(compare_alone)}", ratio(np.median(compared), np.median(compare_alone)))


def bench_load(device: torch.device) -> Iterator[Row]:
    """p50/p95 per endpoint at 1, 4 and 16 concurrent users, idle and while a DCGAN trains live."""
    digits = load_mnist(train=False).images[:16, 0].numpy()
    with tempfile.TemporaryDirectory() as folder, RunningApp() as client:
        pngs = [str(Path(folder) / f"digit{i}.png") for i in range(len(digits))]
        for path, digit in zip(pngs, digits):
            Image.fromarray(255 - (digit * 255).astype(np.uint8)).resize((280, 280)).save(path)
        idle: dict[tuple[int, str], np.ndarray] = {}
        for training in (False, True):
            trainer = job = None
            if training:
                trainer = Client(client.src, verbose=False)
                job = trainer.submit(**train_call("dcgan", epochs=50, max_seconds=600), api_name="/train")
                time.sleep(10)
            for users in USER_COUNTS:
                outcomes = load_test(lambda: Client(client.src, verbose=False), users, 20, pngs)
                first_failure = f"; first: {outcomes.failures[0][:120]}" if outcomes.failures else ""
                for name, times in outcomes.latencies.items():
                    times = np.array(times)
                    label = (f"load: {users} user{'s' if users > 1 else ''}, /{name}"
                             + (", while a DCGAN trains live" if training else ""))
                    reference = idle.get((users, name)) if training else None
                    if not training:
                        idle[(users, name)] = times
                    yield (label, f"{p50_p95(times)} ({len(times)} calls; in the round {len(outcomes.failures)} "
                                  f"failed, {len(outcomes.refusals)} refused{first_failure})",
                           f"idle {p50_p95(reference)}" if reference is not None else "",
                           ratio(np.median(times), np.median(reference)) if reference is not None else "")
            if trainer is not None:  # Stop ends the run (after its final evaluation); the job then ends by itself
                trainer.predict(api_name="/stop_training")
                deadline = time.monotonic() + 120
                while not job.done() and time.monotonic() < deadline:
                    time.sleep(0.5)
                trainer.close()


def bench_fair(device: torch.device) -> Iterator[Row]:
    """One visitor drags a slider, alone and while another client floods /classify from eight threads
    as fast as it can: the fairness policy turns most of the flood away at the door."""
    with tempfile.TemporaryDirectory() as folder, RunningApp(metered=True) as ann:
        seven = Path(folder) / "seven.png"
        Image.fromarray(bench.drawn_page()).save(seven)
        values = iter(np.random.default_rng(0).uniform(-3, 3, (10_000, SLIDERS)).round(2).tolist())

        def move() -> None:
            ann.predict(model="vae", api_name="/decode", **{f"z{i + 1}": v for i, v in enumerate(next(values))})

        idle = latencies_ms(move, repeat=60)
        context = multiprocessing.get_context("spawn")
        report = context.Queue()
        flooder = context.Process(target=flood, args=(ann.src, str(seven), 30.0, 8, report))
        flooder.start()
        time.sleep(8)  # the flood under way (the process starts, the burst allowance is spent)
        during = latencies_ms(move, repeat=60, warmup=0)
        served, refused, failures = report.get(timeout=120)
        flooder.join()
    yield "fair share: one visitor's slider moves, nobody else calling (/decode)", p50_p95(idle), "", ""
    yield ("fair share: the same slider moves while another client floods /classify from 8 threads",
           p50_p95(during), f"alone {p50_p95(idle)}", ratio(np.percentile(during, 95), np.percentile(idle, 95))
           + " at p95")
    yield ("fair share: the flooding client's calls in 30 s", f"{served} served, {refused} refused at the door, "
           f"{len(failures)} failed" + (f"; first: {failures[0][:120]}" if failures else ""), "", "")


BENCHES = {"gradio": bench_gradio_floor, "classify": bench_classify, "explore": bench_explore,
           "sample": bench_sample, "text": bench_text, "lines": bench_lines, "load": bench_load,
           "fair": bench_fair, "soak": bench_soak, "browser": bench_browser}

if __name__ == "__main__":
    print_table("genlab benchmarks (the running app)", BENCHES, sys.argv[1:])
