"""Sentences tab: a sentence VAE. Rebuild a typed line from its code, walk the latent line between
two lines, and write new lines from the prior. genlab.inference.sentences does the work."""
import html
from typing import NamedTuple

import gradio as gr

from genlab.core.seeds import MAX_SEED, new_seed
from genlab.inference.objectives import line_elbo
from genlab.inference.sentences import MAX_COUNT, MAX_STEPS, from_prior, left_out, read_line, rebuild, walk
from genlab.serve.lab import Lab
from ui.common import CHEAP, choose_model, model_choices, runs_a_model, user_of
from ui.gradio_internals import NumberSlider, WholeNumber
from ui.whats_happening import drawn, panel, sentences_intro, sentences_words

TITLES = {"textvae": "Sentence VAE (tiny-shakespeare lines)"}


def numbered(lines: list[str]) -> str:
    """Lines as a numbered, monospaced list (an empty line shows as an empty line, not as nothing)."""
    items = "".join(f"<li><code>{html.escape(line) or '&nbsp;'}</code></li>" for line in lines)
    return f"<ol>{items}</ol>"


class Handlers:
    """What the tab's events do, on the lab's sentence VAEs: callable without building the tab."""

    def __init__(self, lab: Lab):
        self.lab = lab

    def vae(self, model: str, request: gr.Request | None):
        return self.lab.checkpoint(model, "textvae", user_of(request)).model

    def reconstruct(self, model: str, line: str, seed: float, request: gr.Request):
        """The line rebuilt from its code, and from four draws of q(z|line)."""
        text_vae = self.vae(model, request)
        typed = read_line(line, text_vae, "The line")
        best, draws, kl = rebuild(text_vae, typed.text, self.lab.device, samples=4, seed=int(seed))
        return (best, numbered(draws),
                f"The code holds {kl:.1f} nats about this line (its KL from the prior). {left_out(typed)}".strip())

    def explain(self, model: str, line: str, request: gr.Request | None) -> str:
        """What's happening: the typed line's two terms, and how close its rebuilt line comes."""
        checkpoint = self.lab.checkpoint(model, "textvae", user_of(request))
        typed = read_line(line, checkpoint.model, "The line")
        best, _, _ = rebuild(checkpoint.model, typed.text, self.lab.device, samples=1)
        exact = checkpoint.meta.get("metrics", {}).get("exact_reconstructions")
        return sentences_words(typed.text, line_elbo(checkpoint.model, typed.text), best, exact)

    def diagram(self, model: str, request: gr.Request) -> str:
        return drawn(self.vae(model, request))

    def interpolate(self, model: str, first: str, second: str, steps: float, spherical: bool, request: gr.Request):
        """Lines decoded at evenly spaced codes from the first line's to the second's."""
        text_vae = self.vae(model, request)
        a, b = read_line(first, text_vae, "The first line"), read_line(second, text_vae, "The second line")
        return numbered(walk(text_vae, a.text, b.text, int(steps), self.lab.device, spherical)), left_out(a, b)

    def sample(self, model: str, count: float, temperature: float, seed: float, request: gr.Request):
        """New lines from codes drawn from the prior."""
        return numbered(from_prior(self.vae(model, request), int(count), self.lab.device, temperature, int(seed)))

    def new_seed_sample(self, model: str, count: float, temperature: float, request: gr.Request):
        seed = new_seed()
        return seed, self.sample(model, count, temperature, seed, request)


class Walk(NamedTuple):
    """A walk from one line to another."""
    first: gr.Textbox
    second: gr.Textbox
    steps: NumberSlider
    spherical: gr.Checkbox
    walk_button: gr.Button
    walked: gr.HTML
    walk_note: gr.Markdown


class Rebuild(NamedTuple):
    """A line rebuilt from its code."""
    typed: gr.Textbox
    draw_seed: WholeNumber
    rebuild_button: gr.Button
    rebuilt: gr.Textbox
    draws: gr.HTML
    rebuild_note: gr.Markdown


class Prior(NamedTuple):
    """New lines from the prior."""
    count: NumberSlider
    temperature: NumberSlider
    seed: WholeNumber
    sample_button: gr.Button
    seed_button: gr.Button
    sampled: gr.HTML


def line_to_line() -> Walk:
    gr.Markdown("### Walk from one line to another")
    first = gr.Textbox("I will not go to bed tonight.", label="First line", max_length=400)
    second = gr.Textbox("What say you, my lord?", label="Second line", max_length=400)
    with gr.Row():
        steps = NumberSlider(3, MAX_STEPS, value=8, step=1, label="Steps")
        spherical = gr.Checkbox(False, label="Spherical path")
    walk_button = gr.Button("Walk", variant="primary")
    walked = gr.HTML(elem_id="walked-lines")
    walk_note = gr.Markdown()
    return Walk(first, second, steps, spherical, walk_button, walked, walk_note)


def line_rebuilt() -> Rebuild:
    gr.Markdown("### Rebuild a line from its code")
    typed = gr.Textbox("Now is the winter of our discontent", label="Line", max_length=400)
    draw_seed = WholeNumber(0, precision=0, minimum=0, maximum=MAX_SEED, label="Seed for the draws")
    rebuild_button = gr.Button("Rebuild", variant="primary")
    rebuilt = gr.Textbox(label="Rebuilt from the code's mean", interactive=False)
    gr.Markdown("Rebuilt from four draws of the code (how tightly it pins the line down):")
    draws = gr.HTML(elem_id="drawn-lines")
    rebuild_note = gr.Markdown()
    return Rebuild(typed, draw_seed, rebuild_button, rebuilt, draws, rebuild_note)


def lines_from_prior() -> Prior:
    gr.Markdown("### Write new lines from the prior")
    with gr.Row():
        count = NumberSlider(1, MAX_COUNT, value=8, step=1, label="Lines")
        temperature = NumberSlider(0.0, 1.5, value=0.0, step=0.05, label="Temperature (0: greedy)")
        seed = WholeNumber(0, precision=0, minimum=0, maximum=MAX_SEED, label="Seed")
    with gr.Row():
        sample_button = gr.Button("Write", variant="primary")
        seed_button = gr.Button("New seed")
    sampled = gr.HTML(elem_id="prior-lines")
    return Prior(count, temperature, seed, sample_button, seed_button, sampled)


def wire(handlers: Handlers, model: gr.Radio, walk: Walk, rebuild: Rebuild, prior: Prior,
         explained: tuple[gr.HTML, gr.Markdown, None] | None) -> None:
    chosen = choose_model(handlers.lab, "textvae", model).success
    if explained is not None:
        diagram, live, _ = explained
        chosen(runs_a_model(handlers.diagram), model, diagram, api_visibility="private", **CHEAP)
        for trigger in (rebuild.rebuild_button.click, rebuild.typed.submit, chosen):
            trigger(runs_a_model(handlers.explain), [model, rebuild.typed], live, api_visibility="private",
                    trigger_mode="always_last", show_progress="hidden", **CHEAP)
    walk.walk_button.click(runs_a_model(handlers.interpolate), [model, walk.first, walk.second, walk.steps,
                                                                walk.spherical], [walk.walked, walk.walk_note],
                           api_name="walk_lines", **CHEAP)
    rebuild.rebuild_button.click(runs_a_model(handlers.reconstruct), [model, rebuild.typed, rebuild.draw_seed],
                                 [rebuild.rebuilt, rebuild.draws, rebuild.rebuild_note], api_name="rebuild_line",
                                 **CHEAP)
    prior.sample_button.click(runs_a_model(handlers.sample), [model, prior.count, prior.temperature, prior.seed],
                              prior.sampled, api_name="prior_lines", **CHEAP)
    prior.seed_button.click(runs_a_model(handlers.new_seed_sample), [model, prior.count, prior.temperature],
                            [prior.seed, prior.sampled], api_name="new_lines_seed", **CHEAP)


def build(lab: Lab) -> None:
    with gr.Tab("Sentences", id="sentences"):
        if not lab.names("textvae"):
            gr.Markdown("No pretrained sentence VAE is loaded: train one of your own in the Train tab.")
        gr.Markdown("A sentence VAE reads a line of verse into a 32-number code and writes a line back from "
                    "any code. Codes close together give similar lines, so the space between two lines is "
                    "full of lines too.")
        choices = model_choices(lab, TITLES)
        model = gr.Radio(choices, value=choices[0][1], label="Model")
        with gr.Row():
            with gr.Column():
                walk = line_to_line()
            with gr.Column():
                rebuild = line_rebuilt()
        handlers = Handlers(lab)
        prior = lines_from_prior()
        explained = None
        if lab.names("textvae"):
            first = handlers.vae(choices[0][1], None)
            explained = panel(sentences_intro(first.config.latent), first,
                              handlers.explain(choices[0][1], rebuild.typed.value, None))
        wire(handlers, model, walk, rebuild, prior, explained)
