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
from typing import Callable, Iterator

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
    if len(times) == 0:
        return "no calls completed"
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


def bench_text(device: torch.device) -> list[Row]:
    """Characters per second: writing with the carried LSTM state in fused single steps, against the
    same steps through nn.LSTM and against re-reading the whole text for every new character, and
    through the running app."""
    from genlab.writer import Sampling, read_prompt, write

    model = load_checkpoint(ROOT / "checkpoints" / "lstm", device).model
    prompt, length = "ROMEO:\n", 400

    def next_id(logits: torch.Tensor) -> int:
        return int(torch.multinomial(torch.softmax(logits.float() / 0.8, 0).cpu(), 1))

    start = time.perf_counter()
    written = "".join(write(model, prompt, Sampling(length=length, seed=1), device))
    carried = len(written) / (time.perf_counter() - start)

    ids = read_prompt(prompt, model.config.vocab).ids.to(device)
    start = time.perf_counter()
    with torch.no_grad():
        logits, state = model(ids[None])
        for _ in range(length):
            logits, state = model(torch.tensor([[next_id(logits[0, -1])]], device=device), state)
    unfused = length / (time.perf_counter() - start)

    naive_length = 150
    ids = ids.tolist()
    start = time.perf_counter()
    with torch.no_grad():
        for _ in range(naive_length):
            logits, _ = model(torch.tensor([ids], device=device))
            ids.append(next_id(logits[0, -1]))
    naive = naive_length / (time.perf_counter() - start)
    rows = [(f"lstm: writing {length} characters, state carried, fused steps (model alone)", f"{carried:,.0f} chars/s",
             f"the same through nn.LSTM, one call per character {unfused:,.0f} chars/s", ratio(carried, unfused)),
            (f"lstm: writing {length} characters, state carried, fused steps (model alone)", f"{carried:,.0f} chars/s",
             f"re-reading everything per character ({naive_length} chars) {naive:,.0f} chars/s",
             ratio(carried, naive))]
    with RunningApp() as client:
        times, first = [], []
        for seed in range(5):
            start = time.perf_counter()
            job = client.submit(prompt, "lstm", 0.8, 0, 1.0, length, seed, False, api_name="/generate")
            for i, _ in enumerate(job):
                if i == 0:
                    first.append(time.perf_counter() - start)
            times.append(time.perf_counter() - start)
        through_app = length / np.median(times)
        rows.append((f"lstm: {length} characters streamed through the running app (/generate)",
                     f"{through_app:,.0f} chars/s, first text after {np.median(first) * 1000:.0f} ms",
                     f"model alone {carried:,.0f} chars/s", ratio(through_app, carried)))
    return rows


def bench_lines(device: torch.device) -> list[Row]:
    """The line models: a sentence VAE walk of 8 steps and a text GAN comparison of 8 lines from each of
    three generators, model alone and through the running app."""
    from genlab.lines import lm_lines, line_statistics, sample_lines
    from genlab.sentences import walk

    vae = load_checkpoint(ROOT / "checkpoints" / "textvae", device).model
    gan = load_checkpoint(ROOT / "checkpoints" / "textgan", device).model
    lstm = load_checkpoint(ROOT / "checkpoints" / "lstm", device).model
    a, b = "I will not go to bed tonight.", "What say you, my lord?"
    walk_alone = latencies_ms(lambda: walk(vae, a, b, 8, device), repeat=30)
    seeds = iter(range(10_000))

    def compare():
        seed = next(seeds)
        columns = [sample_lines(gan.generator, 8, 40, device, seed=seed), sample_lines(gan.pretrained, 8, 40, device, seed=seed),
                   lm_lines(lstm, 8, 40, device, seed=seed)]
        return [line_statistics(lines, lstm, device) for lines in columns]

    compare_alone = latencies_ms(compare, repeat=20)
    rows = [("textvae: walk of 8 lines between two typed lines, model alone", p50_p95(walk_alone), "", ""),
            ("textgan: 8 lines from each of 3 generators, judged by the LSTM, model alone", p50_p95(compare_alone), "", "")]
    with RunningApp() as client:
        through = latencies_ms(lambda: client.predict("textvae", a, b, 8, False, api_name="/walk_lines"), repeat=20)
        rows.append(("textvae: the same walk through the running app (/walk_lines)", p50_p95(through),
                     f"model alone {p50_p95(walk_alone)}", ratio(np.median(through), np.median(walk_alone))))
        seeds = iter(range(10_000))
        through = latencies_ms(lambda: client.predict("textgan", 8, 1.0, next(seeds), api_name="/sample_text_gan"),
                               repeat=20)
        rows.append(("textgan: the same comparison through the running app (/sample_text_gan)", p50_p95(through),
                     f"model alone {p50_p95(compare_alone)}", ratio(np.median(through), np.median(compare_alone))))
    return rows


def legible_share(vae: torch.nn.Module, reader: torch.nn.Module, count: int = 1000) -> float:
    """How many reconstructions of test digits our CNN reads as the digit they came from."""
    from genlab.metrics import predict_logits

    test = load_mnist(train=False)
    with torch.no_grad():
        mean, _ = vae.encode(test.images[:count])
        recon = vae.decode(mean)
    return float((predict_logits(reader, recon, torch.device("cpu")).argmax(1) == test.labels[:count]).float().mean())


def bench_train(device: torch.device) -> Iterator[Row]:
    """First results of live training: each architecture's browser recipe capped at the issue's time
    budget, run the way the Train tab runs it (a forked process, one thread beside the server), and
    measured on held-out data. The reference is the pretrained checkpoint, measured the same way."""
    from genlab.live import Runs
    from genlab.metrics import text_loss
    from genlab.recipes import RECIPES
    from genlab.text import split_corpus
    from genlab.data import load_shakespeare

    reader = load_checkpoint(ROOT / "checkpoints" / "cnn").model
    runs = Runs()
    runs.warm_up()
    time.sleep(15)  # let the fork server import torch and read MNIST, as it does while the app starts
    budgets = {"cnn": 10, "vae": 10, "mlpgan": 30, "dcgan": 120, "lstm": 60, "textvae": 60, "textgan": 60}
    for name, seconds in budgets.items():
        recipe = RECIPES[name]
        config, settings = recipe.build(name, {**recipe.defaults(), "epochs": recipe.knobs["epochs"].high,
                                               "max_seconds": seconds})
        clicked = time.perf_counter()
        run = runs.start("bench", name, config, settings)
        while not run.events and run.active:
            time.sleep(0.05)
        startup = time.perf_counter() - clicked - (run.events[0].elapsed if run.events else 0.0)
        while run.active:
            time.sleep(0.2)
        if run.checkpoint is None:
            yield f"{name}: live run of {seconds} s", f"failed: {run.error}", "", ""
            continue
        metrics, model = run.checkpoint.meta["metrics"], run.checkpoint.model.cpu()
        steps = run.events[-1].step
        pretrained = load_checkpoint(ROOT / "checkpoints" / ("vae" if name == "vae" else name))
        if name == "cnn":
            figure, reference = metrics["test_accuracy"], pretrained.meta["metrics"]["test_accuracy"]
            text = f"test accuracy {figure:.2%}"
            ref_text = f"pretrained {reference:.2%}"
        elif name == "vae":
            figure, reference = legible_share(model, reader), legible_share(pretrained.model, reader)
            text = f"CNN reads {figure:.1%} of reconstructions right (neg. ELBO {metrics['test_neg_elbo']:.0f})"
            ref_text = f"pretrained {reference:.1%}"
        elif name == "textvae":
            figure, reference = metrics["val_neg_elbo"], pretrained.meta["metrics"]["val_neg_elbo"]
            text = (f"held-out negative ELBO {figure:.1f} nats/line (KL {metrics['val_kl']:.1f}, "
                    f"{metrics['exact_reconstructions']:.0%} rebuilt exactly)")
            ref_text = f"pretrained {reference:.1f} ({pretrained.meta['metrics']['exact_reconstructions']:.0%} exactly)"
        elif name == "textgan":
            figure = metrics["samples_judge_nats_per_char"]
            reference = pretrained.meta["metrics"]["samples_judge_nats_per_char"]
            text = (f"its lines read at {figure:.2f} nats/char by the LSTM, distinct 4-grams "
                    f"{metrics['samples_distinct_4']:.2f}")
            ref_text = f"pretrained {reference:.2f} nats/char"
        elif name == "lstm":
            figure = metrics["val_loss"]
            reference = text_loss(pretrained.model, split_corpus(load_shakespeare()).val, torch.device("cpu"))
            text, ref_text = f"validation loss {figure:.3f} nats/char", f"pretrained {reference:.3f}"
        else:
            figure, reference = metrics["fid"], pretrained.meta["metrics"]["fid"]
            text = f"FID {figure:.1f}, rarest digit {min(metrics['class_histogram']):.1%}"
            ref_text = f"pretrained FID {reference:.1f}"
        yield (f"{name}: live recipe trained {seconds} s ({steps} steps; start-up {startup:.1f} s)", text,
               ref_text, ratio(figure, reference))


def load_test(client_factory: Callable, users: int, seconds: float, digit_pngs: list[str]) -> tuple[dict, list[str]]:
    """`users` concurrent clients, each cycling through a slider move, a GAN grid, a classification of
    its own digit picture and a short text for `seconds`; latencies per endpoint and the errors met."""
    import threading

    from gradio_client import handle_file

    latencies: dict[str, list[float]] = {"decode": [], "sample": [], "classify": [], "generate": []}
    errors = []
    stop_at = time.perf_counter() + seconds

    def user(index: int) -> None:
        client = client_factory()
        rng = np.random.default_rng(index)
        calls = {
            "decode": lambda: client.predict("vae", *rng.uniform(-3, 3, 16).round(2).tolist(), api_name="/decode"),
            "sample": lambda: client.predict("dcgan", int(rng.integers(1e6)), 16, 1.0, "any", api_name="/sample"),
            "classify": lambda: client.predict(handle_file(digit_pngs[index % len(digit_pngs)]), "cnn",
                                               api_name="/classify"),
            "generate": lambda: client.predict("ROMEO:", "lstm", 0.8, 0, 1.0, 40, int(rng.integers(1e6)), False,
                                               api_name="/generate"),
        }
        while time.perf_counter() < stop_at:
            for name, call in calls.items():
                start = time.perf_counter()
                try:
                    call()
                    latencies[name].append((time.perf_counter() - start) * 1000)
                except Exception as err:  # counted and reported: the load test wants zero
                    errors.append(f"{name}: {err}")
        client.close()

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def bench_load(device: torch.device) -> Iterator[Row]:
    """p50/p95 per endpoint at 1, 4 and 16 concurrent users, idle and while a DCGAN trains live."""
    from gradio_client import Client

    digits = load_mnist(train=False).images[:16, 0].numpy()
    with tempfile.TemporaryDirectory() as folder, RunningApp() as client:
        png = [str(Path(folder) / f"digit{i}.png") for i in range(len(digits))]
        for path, digit in zip(png, digits):
            Image.fromarray(255 - (digit * 255).astype(np.uint8)).resize((280, 280)).save(path)
        url = client.src
        idle: dict[tuple[int, str], np.ndarray] = {}
        for training in (False, True):
            trainer = None
            if training:
                from genlab.recipes import KNOBS, RECIPES

                knobs = {**{k: 1.0 for k in KNOBS}, **RECIPES["dcgan"].defaults(), "epochs": 50, "max_seconds": 600,
                         "latent": 64, "beta": 1.0}
                trainer = Client(url, verbose=False)
                job = trainer.submit("dcgan", *[knobs[k] for k in KNOBS], "tiny-shakespeare", "", None,
                                     api_name="/train")
                time.sleep(10)
            for users in (1, 4, 16):
                latencies, errors = load_test(lambda: Client(url, verbose=False), users, 20, png)
                for name, times in latencies.items():
                    times = np.array(times)
                    label = f"load: {users} user{'s' if users > 1 else ''}, /{name}" + \
                            (", while a DCGAN trains live" if training else "")
                    reference = idle.get((users, name)) if training else None
                    if not training:
                        idle[(users, name)] = times
                    first_error = f"; first: {errors[0][:120]}" if errors else ""
                    yield (label, f"{p50_p95(times)} ({len(times)} calls, {len(errors)} errors in the round"
                           f"{first_error})",
                           f"idle {p50_p95(reference)}" if reference is not None else "",
                           ratio(np.median(times), np.median(reference)) if reference is not None else "")
            if trainer is not None:  # Stop ends the run (after its final evaluation); the job then ends by itself
                trainer.predict(api_name="/stop_training")
                deadline = time.monotonic() + 120
                while not job.done() and time.monotonic() < deadline:
                    time.sleep(0.5)
                trainer.close()


BENCHES = {"gradio": bench_gradio_floor, "classify": bench_classify, "explore": bench_explore,
           "sample": bench_sample, "text": bench_text, "lines": bench_lines, "train": bench_train, "load": bench_load}


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
