"""GAN sampler tab: grids of samples by seed, truncation, seed-to-seed interpolation and, for the
conditional GAN, a chosen digit or the same noise drawn as every digit."""
import math
import secrets

import gradio as gr
import torch

from genlab.classify import captions
from genlab.images import captioned_grid
from genlab.latent import path
from ui.common import CHEAP, Lab, MINE, NumberSlider, Picture, WholeNumber, gif_file, on_gpu

NAMES = {"mlpgan": "MLP GAN", "dcgan": "DCGAN", "cdcgan": "Conditional DCGAN", MINE: "Mine (from the Train tab)"}
MAX_SAMPLES = 64
MAX_ROWS = 8
MAX_FRAMES = 64
MAX_SEED = 2**32 - 1
ANY_DIGIT = "any"


def build(lab: Lab) -> None:
    names = [n for n in NAMES if n in lab.checkpoints or n in lab.errors]
    reader = lab.checkpoints["cnn"].model if "cnn" in lab.checkpoints else None

    def gan(name: str, request: gr.Request | None = None):
        return lab.checkpoint(name, "gan", request).model

    def checked(value: float, low: float, high: float, what: str) -> float:
        if value is None or not math.isfinite(value) or not low <= value <= high:
            raise gr.Error(f"{what} must be a number from {low} to {high}.")
        return value

    def digits_for(model, digit: str, count: int) -> torch.Tensor | None:
        """The digit asked for, or a balanced mix when 'any'; None for unconditional GANs."""
        if not model.classes:
            return None
        if digit == ANY_DIGIT:
            return torch.arange(count) % model.classes
        return torch.full((count,), int(digit))

    def show(images: torch.Tensor, labels: torch.Tensor | None, columns: int):
        """The captioned grid and a summary of what the CNN read, from one pass of the CNN."""
        lines = captions(reader, images)
        return captioned_grid(images, lines, columns=columns), summary(lines, labels)

    def summary(lines: list[str], labels: torch.Tensor | None) -> str:
        if reader is None:
            return ""
        read = torch.tensor([int(line.split()[0]) for line in lines])
        histogram = ", ".join(f"{d}: {int((read == d).sum())}" for d in range(10) if (read == d).any())
        text = f"The CNN reads these {len(read)} samples as {histogram}."
        if labels is not None:
            text += f" It reads {(read == labels).float().mean():.0%} of them as the digit asked for."
        return text

    def sample(name: str, seed: float, count: float, truncation: float, digit: str, request: gr.Request = None):
        """A grid of `count` samples from noise with this seed, shrunk by `truncation`."""
        model = gan(name, request)
        seed = int(checked(seed, 0, MAX_SEED, "The seed"))
        count = int(checked(count, 1, MAX_SAMPLES, "The number of samples"))
        truncation = checked(truncation, 0.0, 1.0, "Truncation")
        labels = digits_for(model, digit, count)
        return show(model.sample(model.noise(count, seed, truncation), labels).cpu(), labels, columns=8)

    def new_seed(name: str, count: float, truncation: float, digit: str, request: gr.Request):
        seed = secrets.randbelow(MAX_SEED + 1)
        return seed, *sample(name, seed, count, truncation, digit, request)

    def every_digit(name: str, seed: float, rows: float, truncation: float, request: gr.Request):
        """One row per noise vector, one column per digit: what the noise controls (style) and what
        the label controls (the digit)."""
        model = gan(name, request)
        if not model.classes:
            raise gr.Error("Only the conditional GAN takes a digit; choose the Conditional DCGAN.")
        rows = int(checked(rows, 1, MAX_ROWS, "Rows"))
        noise = model.noise(rows, int(checked(seed, 0, MAX_SEED, "The seed")), checked(truncation, 0.0, 1.0,
                                                                                         "Truncation"))
        noise = noise.repeat_interleave(model.classes, dim=0)
        labels = torch.arange(model.classes).repeat(rows)
        return show(model.sample(noise, labels).cpu(), labels, columns=model.classes)

    def interpolate(name: str, seed_a: float, seed_b: float, frames: float, spherical: str, digit: str,
                    request: gr.Request):
        """Frames between the first noise vector of two seeds: a strip and a looping GIF."""
        model = gan(name, request)
        frames = int(checked(frames, 2, MAX_FRAMES, "Frames"))
        a = model.noise(1, int(checked(seed_a, 0, MAX_SEED, "Seed A")))[0]
        b = model.noise(1, int(checked(seed_b, 0, MAX_SEED, "Seed B")))[0]
        noise = path(a, b, frames, spherical == "spherical")
        labels = digits_for(model, "0" if digit == ANY_DIGIT else digit, frames)
        images = model.sample(noise, labels).cpu()
        return captioned_grid(images, captions(reader, images), columns=frames), gif_file(images)

    def switch_model(name: str, request: gr.Request):
        conditional = bool(gan(name, request).classes)
        return gr.Dropdown(visible=conditional), gr.Button(visible=conditional), gr.Slider(visible=conditional)

    with gr.Tab("GAN sampler", id="sample"):
        if not names:
            gr.Markdown("No GAN checkpoint is loaded.")
            return
        gr.Markdown("Samples from generative adversarial networks. The same seed always gives the same "
                    "samples; truncation shrinks the noise towards its centre for cleaner, less varied digits. "
                    "Under each sample: the CNN's reading and confidence.")
        with gr.Row():
            model = gr.Radio([(NAMES[n], n) for n in names + [MINE]], value=names[0], label="Model")
            seed = WholeNumber(value=0, precision=0, minimum=0, maximum=MAX_SEED, label="Seed")
            new_seed_button = gr.Button("New seed", variant="primary")
        with gr.Row():
            count = NumberSlider(1, MAX_SAMPLES, value=32, step=1, label="Samples")
            truncation = NumberSlider(0.0, 1.0, value=1.0, step=0.05, label="Truncation (1 = none)")
            conditional = bool(names[0] in lab.checkpoints and lab.checkpoints[names[0]].model.classes)
            digit = gr.Dropdown([ANY_DIGIT] + [str(d) for d in range(10)], value=ANY_DIGIT, label="Digit",
                                visible=conditional)
        with gr.Row():
            sample_button = gr.Button("Sample")
            rows = NumberSlider(1, MAX_ROWS, value=4, step=1, label="Rows of noise", visible=conditional)
            every_digit_button = gr.Button("Same noise, every digit", visible=conditional)
        first = sample(names[0], 0, 32, 1.0, ANY_DIGIT) if names[0] in lab.checkpoints else (None, "")
        grid = Picture(first[0], label="Samples", interactive=False, format="png", elem_classes=["pixelated"])
        reading = gr.Markdown(first[1])
        with gr.Accordion("Interpolate between two seeds", open=False):
            with gr.Row():
                seed_a = WholeNumber(value=1, precision=0, minimum=0, maximum=MAX_SEED, label="Seed A")
                seed_b = WholeNumber(value=2, precision=0, minimum=0, maximum=MAX_SEED, label="Seed B")
                frames = NumberSlider(2, MAX_FRAMES, value=10, step=1, label="Frames")
                spherical = gr.Radio(["linear", "spherical"], value="spherical", label="Path")
                interpolate_button = gr.Button("Interpolate")
            strip = Picture(label="Frames", interactive=False, format="png", elem_classes=["pixelated"])
            animation = gr.Image(label="Animation", type="filepath", interactive=False, height=140, width=140,
                                 elem_classes=["pixelated"])

        settings = [model, seed, count, truncation, digit]
        for trigger in (sample_button.click, model.change, truncation.release, count.release, digit.change):
            trigger(on_gpu(sample), settings, [grid, reading], api_name="sample" if trigger == sample_button.click else None,
                    api_visibility="public" if trigger == sample_button.click else "private", **CHEAP)
        model.change(switch_model, model, [digit, every_digit_button, rows], api_visibility="private", queue=False)
        new_seed_button.click(on_gpu(new_seed), [model, count, truncation, digit], [seed, grid, reading],
                              api_name="new_seed", **CHEAP)
        every_digit_button.click(on_gpu(every_digit), [model, seed, rows, truncation], [grid, reading],
                                 api_name="every_digit", **CHEAP)
        interpolate_button.click(on_gpu(interpolate), [model, seed_a, seed_b, frames, spherical, digit], [strip, animation],
                                 api_name="interpolate_seeds", **CHEAP)
