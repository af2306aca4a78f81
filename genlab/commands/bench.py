"""`python -m genlab bench [classify explore sample text lines train]`: speed figures of the models
themselves, each beside a reference measured in the same run on the same device, through the very
functions the tabs call. The app as visitors meet it (Gradio, its queue, many users) is measured by
`python -m benchmarks`, which uses the helpers here.

Prints one markdown table. Latencies are p50/p95 over repeated calls.
"""
import sys
import time
from typing import Callable, Iterator

import numpy as np
import torch
import torch.nn.functional as F

from genlab.core.checkpoint import checkpoint_dir
from genlab.core.data import load_mnist
from genlab.core.device import describe, pick_device
from genlab.families import ARCHITECTURES, family_of
from genlab.inference.classify import read_digit
from genlab.inference.explorer import Explorer
from genlab.inference.sampler import sample
from genlab.inference.sentences import walk
from genlab.inference.three_writers import compare
from genlab.inference.writer import Sampling, read_prompt, write
from genlab.models.loading import load_checkpoint
from genlab.train.classifier import ClassifierTraining, train_classifier

Row = tuple[str, str, str, str]  # what, figure, reference, ratio
PROMPT, LENGTH = "ROMEO:\n", 400  # what the text benchmarks write
LINES = ("I will not go to bed tonight.", "What say you, my lord?")  # the sentence VAE's walk


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


def model(name: str, device: torch.device) -> torch.nn.Module:
    return load_checkpoint(checkpoint_dir() / name, device).model


def drawn_page() -> np.ndarray:
    """A drawing-pad-sized drawing of a test digit, off-centre, dark on light: what Classify reads."""
    from PIL import Image

    digit = load_mnist(train=False).images[0, 0].numpy()
    page = np.full((420, 420), 255, np.uint8)
    page[40:320, 120:400] = 255 - np.asarray(Image.fromarray((digit * 255).astype(np.uint8)).resize((280, 280)))
    return page


# ---------------------------------------------------------------------------------------------
# What one interaction costs the model, as the tab runs it (the app benchmarks' references)


def read_digit_ms(name: str, device: torch.device, repeat: int = 100) -> np.ndarray:
    """Classify: preprocess a drawing, read it and explain the answer."""
    classifier, page = model(name, device), drawn_page()
    return latencies_ms(lambda: read_digit(classifier, page, device), repeat)


def slider_move_ms(name: str, device: torch.device, repeat: int = 200) -> np.ndarray:
    """VAE explorer: slider values to a code, decoded, enlarged and read by the CNN."""
    explorer, vae = Explorer(model("cnn", device), device), load_checkpoint(checkpoint_dir() / name, device)
    values = iter(np.random.default_rng(0).uniform(-3, 3, (10_000, 16)).tolist())
    return latencies_ms(lambda: explorer.decode(vae, explorer.code(vae, next(values))), repeat)


def grid_ms(name: str, device: torch.device, count: int = 64, repeat: int = 50) -> np.ndarray:
    """GAN sampler: a grid of samples, each read by the CNN, captioned."""
    gan, reader, seeds = model(name, device), model("cnn", device), iter(range(10_000))
    return latencies_ms(lambda: sample(gan, reader, next(seeds), count, 1.0), repeat)


def writing_chars_per_s(device: torch.device) -> float:
    """Text: characters per second writing with the carried state in fused single steps."""
    lstm = model("lstm", device)
    start = time.perf_counter()
    written = "".join(write(lstm, PROMPT, Sampling(length=LENGTH, seed=1), device))
    return len(written) / (time.perf_counter() - start)


def walk_ms(device: torch.device, steps: int = 8, repeat: int = 30) -> np.ndarray:
    """Sentences: the walk between two typed lines."""
    vae = model("textvae", device)
    return latencies_ms(lambda: walk(vae, *LINES, steps, device), repeat)


def compare_ms(device: torch.device, count: int = 8, repeat: int = 20) -> np.ndarray:
    """Text GAN: `count` lines from each of the three writers, judged by the LSTM."""
    gan, lstm, seeds = model("textgan", device), model("lstm", device), iter(range(10_000))
    return latencies_ms(lambda: compare(gan, lstm, count, 1.0, next(seeds), device), repeat)


# ---------------------------------------------------------------------------------------------
# The benchmarks


def plain_pytorch_steps_per_second(net: torch.nn.Module, steps: int, batch_size: int, device: torch.device) -> float:
    """The pytorch/examples way, on the same device as ours: a DataLoader over torchvision's MNIST with
    ToTensor, fp32, NCHW."""
    from torchvision import datasets, transforms

    from genlab.core.data import data_root

    dataset = datasets.MNIST(str(data_root()), train=True, transform=transforms.ToTensor())
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=True)
    net.to(device).train()
    optimizer = torch.optim.AdamW(net.parameters(), lr=1e-3)
    batches = iter(loader)
    start = None
    for step in range(steps + 5):
        if step == 5:
            start = time.perf_counter()
        images, labels = next(batches)
        loss = F.cross_entropy(net(images.to(device)), labels.to(device))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return steps / (time.perf_counter() - start)


def genlab_steps_per_second(net: torch.nn.Module, steps: int, settings: ClassifierTraining,
                            device: torch.device) -> float:
    train, test = load_mnist(train=True), load_mnist(train=False)
    settings.epochs = (steps + 5) / (len(train) // settings.batch_size)
    settings.log_every, settings.evals_per_epoch = 5, 1e-9  # no evaluation inside the timed steps
    times = {}
    for event in train_classifier(net, train, test, settings, device):
        times.setdefault(event.step, event.elapsed)
        if event.step >= steps + 5:
            break
    return steps / (times[steps + 5] - times[5])


def bench_classify(device: torch.device) -> Iterator[Row]:
    digit = torch.from_numpy(load_mnist(train=False).images[0, 0].numpy()).view(1, 1, 28, 28).to(device)
    for name in ("cnn", "mlp"):
        classifier = model(name, device)
        with torch.no_grad():
            forward = latencies_ms(lambda: classifier(digit), repeat=200)
        full = read_digit_ms(name, device)
        yield f"{name}: one digit, forward pass only", p50_p95(forward), "", ""
        yield (f"{name}: one drawing read (preprocess + forward + explanation)", p50_p95(full),
               "forward pass only", ratio(np.median(full), np.median(forward)))
    for name in ("cnn", "mlp"):
        arch, batch = ARCHITECTURES[name], 128
        torch.manual_seed(0)
        reference = plain_pytorch_steps_per_second(arch.model(arch.config()), 60, batch, device) * batch
        for augment in (True, False):
            settings = ClassifierTraining(batch_size=batch, augment=augment)
            ours = genlab_steps_per_second(arch.model(arch.config()), 60, settings, device) * batch
            yield (f"{name}: training, genlab loop {'with' if augment else 'without'} augmentation",
                   f"{ours:,.0f} images/s", f"plain PyTorch loop {reference:,.0f} images/s", ratio(ours, reference))


def bench_explore(device: torch.device) -> Iterator[Row]:
    """One slider move as the tab makes it, against the decoder's forward pass alone."""
    for name in ("vae2d", "vae"):
        vae = model(name, device)
        codes = iter(torch.randn(10_000, vae.config.latent).clamp(-3, 3))
        with torch.no_grad():
            decode_only = latencies_ms(lambda: vae.decode(next(codes).view(1, -1).to(device)), repeat=200)
        move = slider_move_ms(name, device)
        yield f"{name}: decoder forward only", p50_p95(decode_only), "", ""
        yield (f"{name}: one slider move (code, decode, enlarge, CNN reading)", p50_p95(move),
               "decoder forward only", ratio(np.median(move), np.median(decode_only)))


def bench_sample(device: torch.device) -> Iterator[Row]:
    """Samples per second for a grid of 64: the generator alone, and the grid as the tab draws it."""
    for name in ("mlpgan", "dcgan", "cdcgan"):
        gan, seeds = model(name, device), iter(range(10_000))
        labels = torch.arange(64) % 10 if gan.classes else None
        with torch.no_grad():
            alone = latencies_ms(lambda: gan.sample(gan.noise(64, next(seeds)), labels), repeat=50)
        grid = grid_ms(name, device)
        alone_per_s, grid_per_s = 64 / (np.median(alone) / 1000), 64 / (np.median(grid) / 1000)
        yield f"{name}: grid of 64, generator alone", f"{alone_per_s:,.0f} samples/s ({p50_p95(alone)})", "", ""
        yield (f"{name}: grid of 64 read by the CNN and captioned", f"{grid_per_s:,.0f} samples/s ({p50_p95(grid)})",
               f"generator alone {alone_per_s:,.0f}/s", ratio(grid_per_s, alone_per_s))


def bench_text(device: torch.device) -> Iterator[Row]:
    """Characters per second writing with the carried state in fused single steps, against the same
    steps through nn.LSTM and against re-reading the whole text for every new character."""
    lstm = model("lstm", device)
    carried = writing_chars_per_s(device)

    def next_id(logits: torch.Tensor) -> int:
        return int(torch.multinomial(torch.softmax(logits.float() / 0.8, 0).cpu(), 1))

    ids = read_prompt(PROMPT, lstm.config.vocab).ids.to(device)
    start = time.perf_counter()
    with torch.no_grad():
        logits, state = lstm(ids[None])
        for _ in range(LENGTH):
            logits, state = lstm(torch.tensor([[next_id(logits[0, -1])]], device=device), state)
    unfused = LENGTH / (time.perf_counter() - start)

    naive_length, ids = 150, ids.tolist()
    start = time.perf_counter()
    with torch.no_grad():
        for _ in range(naive_length):
            logits, _ = lstm(torch.tensor([ids], device=device))
            ids.append(next_id(logits[0, -1]))
    naive = naive_length / (time.perf_counter() - start)
    what = f"lstm: writing {LENGTH} characters, state carried, fused steps"
    yield (f"{what}, against nn.LSTM", f"{carried:,.0f} chars/s",
           f"the same through nn.LSTM, one call per character {unfused:,.0f} chars/s", ratio(carried, unfused))
    yield (f"{what}, against re-reading", f"{carried:,.0f} chars/s",
           f"re-reading everything per character ({naive_length} chars) {naive:,.0f} chars/s", ratio(carried, naive))


def bench_lines(device: torch.device) -> Iterator[Row]:
    """The line models as their tabs run them."""
    yield "textvae: walk of 8 lines between two typed lines", p50_p95(walk_ms(device)), "", ""
    yield "textgan: 8 lines from each of 3 writers, judged by the LSTM", p50_p95(compare_ms(device)), "", ""


def bench_train(device: torch.device) -> Iterator[Row]:
    """First results of live training: each benchmarked architecture's recipe capped at its time budget,
    run the way the Train tab runs it (a forked process beside the server), measured by its family's
    score beside the committed checkpoint's."""
    from genlab.serve.runs.line import Runs
    from genlab.serve.shelf import Shelf

    runs = Runs(Shelf(device=device))
    runs.warm_up()
    time.sleep(15)  # let the fork server import torch and read MNIST, as it does while the app starts
    for name, arch in ARCHITECTURES.items():
        if arch.bench_seconds is None:
            continue
        family, seconds = family_of(name), arch.bench_seconds
        values = {**arch.recipe.defaults(), "epochs": arch.recipe.knobs["epochs"].high, "max_seconds": seconds}
        config, settings = family.build(arch, values)
        clicked = time.perf_counter()
        run = runs.start("bench", name, [(config, settings)])
        [part] = run.parts
        while not part.events and run.active:
            time.sleep(0.05)
        startup = time.perf_counter() - clicked - (part.events[0].elapsed if part.events else 0.0)
        while run.active:
            time.sleep(0.2)
        if part.checkpoint is None:
            yield f"{name}: live run of {seconds} s", f"failed: {part.error}", "", ""
            continue
        figure = family.score.measure(part.checkpoint, device)
        reference = family.score.measure(load_checkpoint(checkpoint_dir() / name, device), device)
        yield (f"{name}: live recipe trained {seconds} s ({part.events[-1].step} steps; start-up {startup:.1f} s)",
               family.score.show(figure), f"pretrained: {family.score.show(reference)}", ratio(figure, reference))


BENCHES = {"classify": bench_classify, "explore": bench_explore, "sample": bench_sample, "text": bench_text,
           "lines": bench_lines, "train": bench_train}


def print_table(title: str, benches: dict[str, Callable[[torch.device], Iterator[Row]]], names: list[str]) -> None:
    """One markdown table of the chosen benchmarks' rows, printed as they come."""
    unknown = [n for n in names if n not in benches]
    if unknown:
        sys.exit(f"unknown benchmark {unknown}; choose from {list(benches)}")
    device = pick_device()
    print(f"{title} on {describe(device)}, {time.strftime('%Y-%m-%d %H:%M')}\n")
    print("| benchmark | figure | reference (same run) | ratio |")
    print("|---|---|---|---|")
    for name in names or list(benches):
        for row in benches[name](device):
            print("| " + " | ".join(row) + " |", flush=True)


def main(argv: list[str]) -> None:
    print_table("genlab bench (the models)", BENCHES, argv)
