"""`python -m genlab bench [classify]`: speed figures, each beside a reference measured in the same run.

Prints one markdown table. Latencies are p50/p95 over repeated calls; the app is measured as a
user meets it, through gradio_client against `python app.py` started on a free local port.
"""
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from genlab.checkpoint import load_checkpoint
from genlab.classify import read_digit
from genlab.data import load_mnist
from genlab.device import describe, pick_device
from genlab.models import ARCHITECTURES
from genlab.train.classifier import ClassifierTraining, train_classifier

ROOT = Path(__file__).resolve().parent.parent
Row = tuple[str, str, str, str]  # what, figure, reference, ratio


def latencies_ms(call: Callable[[], object], repeat: int, warmup: int = 3) -> np.ndarray:
    for _ in range(warmup):
        call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return np.array(times)


def p50_p95(times: np.ndarray) -> str:
    return f"p50 {np.percentile(times, 50):.1f} ms, p95 {np.percentile(times, 95):.1f} ms"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningApp:
    """`python app.py` (or another module) in a subprocess on a free port, with a gradio_client connected."""

    def __init__(self, command: tuple[str, ...] = ("app.py",)):
        self.command = command

    def __enter__(self):
        from gradio_client import Client

        port = free_port()
        env = {**os.environ, "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port),
               "GRADIO_ANALYTICS_ENABLED": "False"}
        self.process = subprocess.Popen([sys.executable, *self.command], cwd=ROOT, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while True:
            try:
                self.client = Client(f"http://127.0.0.1:{port}/", verbose=False)
                return self.client
            except Exception:
                if time.time() > deadline or self.process.poll() is not None:
                    self.process.kill()
                    raise RuntimeError("the app did not start within 120 s")
                time.sleep(0.5)

    def __exit__(self, *exc):
        self.client.close()
        self.process.terminate()
        self.process.wait(timeout=30)


def plain_pytorch_steps_per_second(model: torch.nn.Module, steps: int, batch_size: int) -> float:
    """The pytorch/examples way: a DataLoader over torchvision's MNIST with ToTensor, fp32, NCHW."""
    from torchvision import datasets, transforms

    from genlab.data import data_root

    dataset = datasets.MNIST(str(data_root()), train=True, transform=transforms.ToTensor())
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    model.train()
    batches = iter(loader)
    start = None
    for step in range(steps + 5):
        if step == 5:
            start = time.perf_counter()
        images, labels = next(batches)
        loss = F.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return steps / (time.perf_counter() - start)


def genlab_steps_per_second(model: torch.nn.Module, steps: int, settings: ClassifierTraining, device) -> float:
    train, test = load_mnist(train=True), load_mnist(train=False)
    settings.epochs = (steps + 5) / (len(train) // settings.batch_size)
    settings.log_every, settings.evals_per_epoch = 5, 1e-9  # no evaluation inside the timed steps
    times = {}
    for event in train_classifier(model, train, test, settings, device):
        times.setdefault(event.step, event.elapsed)
        if event.step >= steps + 5:
            break
    return steps / (times[steps + 5] - times[5])


def bench_classify(device: torch.device) -> list[Row]:
    rows: list[Row] = []
    digit = load_mnist(train=False).images[0, 0].numpy()
    page = np.full((420, 420), 255, np.uint8)  # a sketchpad-sized drawing, off-centre
    page[40:320, 120:400] = 255 - np.asarray(Image.fromarray((digit * 255).astype(np.uint8)).resize((280, 280)))
    models = {name: load_checkpoint(ROOT / "checkpoints" / name, device).model for name in ("cnn", "mlp")}

    for name, model in models.items():
        one = torch.from_numpy(digit).view(1, 1, 28, 28).to(device)
        with torch.no_grad():
            forward = latencies_ms(lambda: model(one), repeat=200)
        full = latencies_ms(lambda: read_digit(model, page, device), repeat=100)
        rows.append((f"{name}: one digit, forward pass only", p50_p95(forward), "", ""))
        rows.append((f"{name}: one drawing read (preprocess + forward + explanation)", p50_p95(full),
                     "forward pass only", ratio(np.median(full), np.median(forward))))

    with tempfile.TemporaryDirectory() as folder, RunningApp() as client:
        from gradio_client import handle_file

        path = Path(folder) / "digit.png"
        Image.fromarray(page).save(path)
        for name, model in models.items():
            app = latencies_ms(lambda: client.predict(handle_file(str(path)), name, api_name="/classify"), repeat=40)
            alone = latencies_ms(lambda: read_digit(model, page, device), repeat=40)
            rows.append((f"{name}: /classify through the running app (gradio_client)", p50_p95(app),
                         f"model alone {p50_p95(alone)}", ratio(np.median(app), np.median(alone))))

    for name in ("cnn", "mlp"):
        settings = ClassifierTraining(batch_size=128)
        arch = ARCHITECTURES[name]
        torch.manual_seed(0)
        ours = genlab_steps_per_second(arch.model(arch.config()), 60, settings, device) * 128
        settings.augment = False
        ours_plain = genlab_steps_per_second(arch.model(arch.config()), 60, settings, device) * 128
        reference = plain_pytorch_steps_per_second(arch.model(arch.config()), 60, 128) * 128
        rows.append((f"{name}: training, genlab loop with augmentation", f"{ours:,.0f} images/s",
                     f"plain PyTorch loop {reference:,.0f} images/s", ratio(ours, reference)))
        rows.append((f"{name}: training, genlab loop without augmentation", f"{ours_plain:,.0f} images/s",
                     f"plain PyTorch loop {reference:,.0f} images/s", ratio(ours_plain, reference)))
    return rows


def bench_explore(device: torch.device) -> list[Row]:
    """One slider move: decode a code, enlarge it, encode the PNG the browser receives (and the CNN's
    reading of it, as the tab shows it), alone and through the running app."""
    from io import BytesIO

    from genlab.classify import read_batch
    from genlab.images import upscale

    reader = load_checkpoint(ROOT / "checkpoints" / "cnn", device).model
    rows: list[Row] = []
    alone_ms: dict[str, np.ndarray] = {}
    for name in ("vae2d", "vae"):
        vae = load_checkpoint(ROOT / "checkpoints" / name, device).model
        codes = iter(torch.randn(10_000, vae.config.latent).clamp(-3, 3))

        @torch.no_grad()
        def slider_move():
            image = vae.decode(next(codes).view(1, -1).to(device))
            read_batch(reader, image)
            picture = upscale(255 - (image[0, 0].cpu().numpy() * 255).round().astype(np.uint8), 8)
            Image.fromarray(picture).save(BytesIO(), format="PNG")

        with torch.no_grad():
            decode_only = latencies_ms(lambda: vae.decode(next(codes).view(1, -1).to(device)), repeat=200)
        alone = alone_ms[name] = latencies_ms(slider_move, repeat=200)
        rows.append((f"{name}: decoder forward only", p50_p95(decode_only), "", ""))
        rows.append((f"{name}: one slider move, model alone (decode + CNN reading + PNG)", p50_p95(alone),
                     "decoder forward only", ratio(np.median(alone), np.median(decode_only))))
    with RunningApp() as client:
        for name in ("vae2d", "vae"):
            latent = load_checkpoint(ROOT / "checkpoints" / name).meta["config"]["latent"]
            values = iter(np.random.default_rng(0).uniform(-3, 3, (1000, 16)).round(2).tolist())
            app = latencies_ms(lambda: client.predict(name, *next(values), api_name="/decode"), repeat=60)
            rows.append((f"{name}: one slider move through the running app ({latent}-D, /decode)", p50_p95(app),
                         f"model alone {p50_p95(alone_ms[name])}", ratio(np.median(app), np.median(alone_ms[name]))))
    return rows


def bench_sample(device: torch.device) -> list[Row]:
    """Samples per second for a grid of 64: the generator alone, and /sample through the running app
    (which also reads every sample with the CNN and draws the captioned grid)."""
    rows: list[Row] = []
    alone_per_s: dict[str, float] = {}
    for name in ("mlpgan", "dcgan", "cdcgan"):
        gan = load_checkpoint(ROOT / "checkpoints" / name, device).model
        labels = torch.arange(64) % 10 if gan.classes else None
        seeds = iter(range(10_000))
        times = latencies_ms(lambda: gan.sample(gan.noise(64, next(seeds)), labels), repeat=50)
        alone_per_s[name] = 64 / (np.median(times) / 1000)
        rows.append((f"{name}: grid of 64, generator alone", f"{alone_per_s[name]:,.0f} samples/s ({p50_p95(times)})",
                     "", ""))
    with RunningApp() as client:
        for name in ("mlpgan", "dcgan", "cdcgan"):
            seeds = iter(range(10_000))
            times = latencies_ms(lambda: client.predict(name, next(seeds), 64, 1.0, "any", api_name="/sample"),
                                 repeat=30)
            per_s = 64 / (np.median(times) / 1000)
            rows.append((f"{name}: grid of 64 through the running app (/sample)",
                         f"{per_s:,.0f} samples/s ({p50_p95(times)})", f"generator alone {alone_per_s[name]:,.0f}/s",
                         ratio(per_s, alone_per_s[name])))
    return rows


def bench_gradio_floor(device: torch.device) -> list[Row]:
    """What any request costs through Gradio and gradio_client here, whatever the model does."""
    with RunningApp(("-m", "ui.reference_app")) as client:
        noop = latencies_ms(lambda: client.predict("x", api_name="/noop"), repeat=40)
        blank = latencies_ms(lambda: client.predict("x", api_name="/blank_image"), repeat=40)
    return [("Gradio floor: a no-op endpoint through gradio_client", p50_p95(noop), "", ""),
            ("Gradio floor: an endpoint returning a blank 224x224 PNG", p50_p95(blank), "no-op endpoint",
             ratio(np.median(blank), np.median(noop)))]


BENCHES = {"gradio": bench_gradio_floor, "classify": bench_classify, "explore": bench_explore,
           "sample": bench_sample}


def main(argv: list[str]) -> None:
    names = argv or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        sys.exit(f"unknown benchmark {unknown}; choose from {list(BENCHES)}")
    device = pick_device()
    print(f"genlab bench on {describe(device)}, {time.strftime('%Y-%m-%d')}\n")
    print("| benchmark | figure | reference (same run) | ratio |")
    print("|---|---|---|---|")
    for name in names:
        for row in BENCHES[name](device):
            print("| " + " | ".join(row) + " |", flush=True)
