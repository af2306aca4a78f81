"""Sentences tab: a sentence VAE. Rebuild a typed line from its code, walk the latent line between
two lines, and write new lines from the prior."""
import html
import secrets

import gradio as gr

from genlab.sentences import MAX_COUNT, MAX_STEPS, from_prior, read_line, rebuild, walk
from genlab.text import TextError
from ui.common import CHEAP, MINE, Lab, NumberSlider, WholeNumber, on_gpu

NAMES = {"textvae": "Sentence VAE (tiny-shakespeare lines)", MINE: "Mine (from the Train tab)"}
MAX_SEED = 2**32 - 1


def numbered(lines: list[str]) -> str:
    """Lines as a numbered, monospaced list (an empty line shows as an empty line, not as nothing)."""
    items = "".join(f"<li><code>{html.escape(line) or '&nbsp;'}</code></li>" for line in lines)
    return f"<ol>{items}</ol>"


def build(lab: Lab) -> None:
    names = [n for n in NAMES if n in lab.checkpoints or n in lab.errors]

    def vae(name: str, request: gr.Request | None):
        return lab.checkpoint(name, "textvae", request).model

    def line(text: str, model, what: str):
        try:
            return read_line(text, model, what)
        except TextError as err:
            raise gr.Error(str(err)[0].upper() + str(err)[1:] + ".") from None

    def notice(*lines) -> str:
        dropped = "".join(sorted({ch for line in lines for ch in line.unknown}))
        return (f"Left out {len(dropped)} character(s) the model does not know: "
                f"{', '.join(repr(c) for c in dropped[:20])}." if dropped else "")

    def reconstruct(name: str, text: str, seed: float, request: gr.Request):
        """The line rebuilt from its code, and from four draws of q(z|line)."""
        model = vae(name, request)
        typed = line(text, model, "The line")
        best, draws, kl = rebuild(model, typed.text, lab.device, samples=4, seed=int(seed))
        return (best, numbered(draws),
                f"The code holds {kl:.1f} nats about this line (its KL from the prior). {notice(typed)}".strip())

    def interpolate(name: str, first: str, second: str, steps: float, spherical: bool, request: gr.Request):
        """Lines decoded at evenly spaced codes from the first line's to the second's."""
        model = vae(name, request)
        a, b = line(first, model, "The first line"), line(second, model, "The second line")
        return numbered(walk(model, a.text, b.text, int(steps), lab.device, spherical)), notice(a, b)

    def sample(name: str, count: float, temperature: float, seed: float, request: gr.Request):
        """New lines from codes drawn from the prior."""
        return numbered(from_prior(vae(name, request), int(count), lab.device, temperature, int(seed)))

    def new_seed(name: str, count: float, temperature: float, request: gr.Request):
        seed = secrets.randbelow(MAX_SEED + 1)
        return seed, sample(name, count, temperature, seed, request)

    with gr.Tab("Sentences", id="sentences"):
        if not names:
            gr.Markdown("No pretrained sentence VAE is loaded: train one of your own in the Train tab.")
        gr.Markdown("A sentence VAE reads a line of verse into a 32-number code and writes a line back from "
                    "any code. Codes close together give similar lines, so the space between two lines is "
                    "full of lines too.")
        model = gr.Radio([(NAMES[n], n) for n in names + [MINE]], value=(names + [MINE])[0], label="Model")
        with gr.Row():
            with gr.Column():
                gr.Markdown("### Walk from one line to another")
                first = gr.Textbox("I will not go to bed tonight.", label="First line", max_length=400)
                second = gr.Textbox("What say you, my lord?", label="Second line", max_length=400)
                with gr.Row():
                    steps = NumberSlider(3, MAX_STEPS, value=8, step=1, label="Steps")
                    spherical = gr.Checkbox(False, label="Spherical path")
                walk_button = gr.Button("Walk", variant="primary")
                walked = gr.HTML(elem_id="walked-lines")
                walk_note = gr.Markdown()
            with gr.Column():
                gr.Markdown("### Rebuild a line from its code")
                typed = gr.Textbox("Now is the winter of our discontent", label="Line", max_length=400)
                draw_seed = WholeNumber(0, precision=0, minimum=0, maximum=MAX_SEED, label="Seed for the draws")
                rebuild_button = gr.Button("Rebuild", variant="primary")
                rebuilt = gr.Textbox(label="Rebuilt from the code's mean", interactive=False)
                gr.Markdown("Rebuilt from four draws of the code (how tightly it pins the line down):")
                draws = gr.HTML(elem_id="drawn-lines")
                rebuild_note = gr.Markdown()
        gr.Markdown("### Write new lines from the prior")
        with gr.Row():
            count = NumberSlider(1, MAX_COUNT, value=8, step=1, label="Lines")
            temperature = NumberSlider(0.0, 1.5, value=0.0, step=0.05, label="Temperature (0: greedy)")
            seed = WholeNumber(0, precision=0, minimum=0, maximum=MAX_SEED, label="Seed")
        with gr.Row():
            sample_button = gr.Button("Write", variant="primary")
            seed_button = gr.Button("New seed")
        sampled = gr.HTML(elem_id="prior-lines")

        walk_button.click(on_gpu(interpolate), [model, first, second, steps, spherical], [walked, walk_note],
                          api_name="walk_lines", **CHEAP)
        rebuild_button.click(on_gpu(reconstruct), [model, typed, draw_seed], [rebuilt, draws, rebuild_note],
                             api_name="rebuild_line", **CHEAP)
        sample_button.click(on_gpu(sample), [model, count, temperature, seed], sampled, api_name="prior_lines", **CHEAP)
        seed_button.click(on_gpu(new_seed), [model, count, temperature], [seed, sampled], api_name="new_lines_seed", **CHEAP)
