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
    """`python app.py` in a subprocess on a free port, with a gradio_client connected."""

    def __enter__(self):
        from gradio_client import Client

        port = free_port()
        env = {**os.environ, "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port),
               "GRADIO_ANALYTICS_ENABLED": "False"}
        self.process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env,
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


BENCHES = {"classify": bench_classify}


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
