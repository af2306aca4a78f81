"""Sentences tab: a sentence VAE. Rebuild a typed line from its code, walk the latent line between
two lines, and write new lines from the prior. genlab.inference.sentences does the work; the page does
all three itself (ui/web/sentences.js, the sentence VAE's step graph and encoder in ONNX Runtime Web)
and asks the server only where it cannot run the model; API clients call the same endpoints as before."""
import html
from dataclasses import dataclass
from typing import NamedTuple

import gradio as gr

from genlab.core.seeds import MAX_SEED, new_seed
from genlab.inference.objectives import line_elbo
from genlab.core.corpus import left_out
from genlab.inference.sentences import (
    EMPTY,
    HOLDS,
    MAX_COUNT,
    MAX_STEPS,
    TOO_LONG,
    from_prior,
    read_line,
    rebuild,
    unknown_in,
    walk,
)
from genlab.core.lines import NEWLINE
from genlab.models.text_vae import TextVAEConfig
from genlab.serve.export import ENCODER
from genlab.serve.lab import MINE, Lab
from genlab.serve.web_models import WEB_MODELS
from ui.choices import ModelChoice
from ui.common import CHEAP, model_choices, runs_a_model, user_of
from ui.gradio_internals import NumberSlider, WholeNumber
from ui.web import PageSpec, page_component
from ui.whats_happening import drawn, measured, panel, sentences_intro, sentences_word_parts, sentences_words

TITLES = {"textvae": "Sentence VAE (tiny-shakespeare lines)"}
ACTIONS = ("rebuild", "walk", "prior")  # what the page does in this tab, a page component each
KNOBS = {"rebuild": ("typed", "draw_seed"), "walk": ("first", "second", "steps", "spherical"),
         "prior": ("count", "temperature", "seed")}
BUTTONS = {"rebuild": ("rebuild",), "walk": ("walk",), "prior": ("write", "new_seed")}
MEASURE = "Measure the line on screen"
SHOW_WORDS = "() => window.genlab.readings.linesWords"  # the page's What's happening for the typed line, in the page alone
NOTICE = '<div class="genlab-notice"></div>'
NOTICE_CSS = ".genlab-notice { color: var(--body-text-color-subdued); font-size: 0.9em; }"


def element_id(name: str) -> str:
    return f"genlab-lines-{name.replace('_', '-')}"


def shows(action: str) -> str:
    """The js of the listener that puts the page's lines into Gradio's blocks, in the page alone."""
    return f"() => window.genlab.lines['{action}']"


@dataclass(frozen=True, kw_only=True)
class SentencesSpec(PageSpec):
    """What ui/web/sentences.js does one of the tab's actions with (rebuild, walk or prior): the sentence VAE's
    step graph (writer) and encoder, its vocabulary and sizes, the ids of the controls and buttons the action
    reads, and the words the server says (genlab.inference.sentences), for the page to say alike."""

    action: str
    writer: str | None
    encoder: str | None
    vocab: str
    latent: int
    hidden: int
    longest: int  # the most characters a line is written with
    knobs: dict[str, str]
    buttons: dict[str, str]
    figures: dict[str, str] | None = None  # rebuild's: What's happening's words (ui.whats_happening.sentences_word_parts)


@dataclass(frozen=True, kw_only=True)
class TypedSpec(SentencesSpec):
    """An action on typed lines (rebuild, walk): also the longest line the model learned from (a typed one
    may have twice that) and the words the server says of them."""

    max_chars: int
    words: dict[str, str]


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

    def specs(self, model: str | None, request: gr.Request | None) -> list[SentencesSpec]:
        """What the page needs to rebuild, walk and write lines with this sentence VAE itself (with no model
        loaded, None: the page asks the server, which says what is missing)."""
        checkpoint = self.lab.checkpoint(model, "textvae", user_of(request)) if model else None
        writer, why = WEB_MODELS.try_url(checkpoint, keep=model != MINE)
        encoder, _ = WEB_MODELS.try_url(checkpoint, keep=model != MINE, part=ENCODER)
        config = checkpoint.model.config if checkpoint else TextVAEConfig(vocab=NEWLINE)
        typed = {"max_chars": config.max_chars, "words": {"too_long": TOO_LONG, "empty": EMPTY, "holds": HOLDS}}
        exact = checkpoint.meta.get("metrics", {}).get("exact_reconstructions") if checkpoint else None
        figures = {"rebuild": {"figures": sentences_word_parts(exact)}}
        return [(SentencesSpec if action == "prior" else TypedSpec)(
                    action=action, why=why, server_blocks=(), writer=writer, encoder=encoder, vocab=config.vocab,
                    latent=config.latent, hidden=config.hidden, longest=config.longest, knobs={knob: element_id(knob) for knob in KNOBS[action]},
                    buttons={button: element_id(button) for button in BUTTONS[action]},
                    **({} if action == "prior" else typed), **figures.get(action, {}))
                for action in ACTIONS]

    def page_specs(self, model: str, request: gr.Request) -> list[str]:
        return [spec.to_json() for spec in self.specs(model, request)]

    def reconstruct(self, model: str, line: str, seed: float, request: gr.Request):
        """The line rebuilt from its code, and from four draws of q(z|line)."""
        text_vae = self.vae(model, request)
        typed = read_line(line, text_vae, "The line")
        best, draws, kl = rebuild(text_vae, typed.text, self.lab.device, samples=4, seed=int(seed))
        return best, numbered(draws), f"{HOLDS.format(kl=f'{kl:.1f}')} {left_out(unknown_in(typed))}".strip()

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
        return numbered(walk(text_vae, a.text, b.text, int(steps), self.lab.device, spherical)), left_out(unknown_in(a, b))

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
    in_page: gr.HTML


class Rebuild(NamedTuple):
    """A line rebuilt from its code."""
    typed: gr.Textbox
    draw_seed: WholeNumber
    rebuild_button: gr.Button
    rebuilt: gr.Textbox
    draws: gr.HTML
    rebuild_note: gr.Markdown
    in_page: gr.HTML


class Prior(NamedTuple):
    """New lines from the prior."""
    count: NumberSlider
    temperature: NumberSlider
    seed: WholeNumber
    sample_button: gr.Button
    seed_button: gr.Button
    sampled: gr.HTML
    in_page: gr.HTML


def in_page(spec: SentencesSpec) -> gr.HTML:
    """The page's side of one action (ui/web/sentences.js): only a notice line shows, where it cannot run."""
    return page_component("sentences.js", spec, element_id(f"{spec.action}-live"), NOTICE, NOTICE_CSS)


def line_to_line(spec: SentencesSpec) -> Walk:
    gr.Markdown("### Walk from one line to another")
    first = gr.Textbox("I will not go to bed tonight.", label="First line", max_length=400, elem_id=element_id("first"))
    second = gr.Textbox("What say you, my lord?", label="Second line", max_length=400, elem_id=element_id("second"))
    with gr.Row():
        steps = NumberSlider(3, MAX_STEPS, value=8, step=1, label="Steps", elem_id=element_id("steps"))
        spherical = gr.Checkbox(False, label="Spherical path", elem_id=element_id("spherical"))
    walk_button = gr.Button("Walk", variant="primary", elem_id=element_id("walk"))
    walked = gr.HTML(elem_id="walked-lines")
    walk_note = gr.Markdown()
    return Walk(first, second, steps, spherical, walk_button, walked, walk_note, in_page(spec))


def line_rebuilt(spec: SentencesSpec) -> Rebuild:
    gr.Markdown("### Rebuild a line from its code")
    typed = gr.Textbox("Now is the winter of our discontent", label="Line", max_length=400, elem_id=element_id("typed"))
    draw_seed = WholeNumber(0, precision=0, minimum=0, maximum=MAX_SEED, label="Seed for the draws",
                            elem_id=element_id("draw_seed"))
    rebuild_button = gr.Button("Rebuild", variant="primary", elem_id=element_id("rebuild"))
    rebuilt = gr.Textbox(label="Rebuilt from the code's mean", interactive=False)
    gr.Markdown("Rebuilt from four draws of the code (how tightly it pins the line down):")
    draws = gr.HTML(elem_id="drawn-lines")
    rebuild_note = gr.Markdown()
    return Rebuild(typed, draw_seed, rebuild_button, rebuilt, draws, rebuild_note, in_page(spec))


def lines_from_prior(spec: SentencesSpec) -> Prior:
    gr.Markdown("### Write new lines from the prior")
    with gr.Row():
        count = NumberSlider(1, MAX_COUNT, value=8, step=1, label="Lines", elem_id=element_id("count"))
        temperature = NumberSlider(0.0, 1.5, value=0.0, step=0.05, label="Temperature (0: greedy)",
                                   elem_id=element_id("temperature"))
        seed = WholeNumber(0, precision=0, minimum=0, maximum=MAX_SEED, label="Seed", elem_id=element_id("seed"))
    with gr.Row():
        sample_button = gr.Button("Write", variant="primary", elem_id=element_id("write"))
        seed_button = gr.Button("New seed", elem_id=element_id("new_seed"))
    sampled = gr.HTML(elem_id="prior-lines")
    return Prior(count, temperature, seed, sample_button, seed_button, sampled, in_page(spec))


def wire(handlers: Handlers, model: gr.Radio, walk: Walk, rebuild: Rebuild, prior: Prior,
         explained: tuple[gr.HTML, gr.Markdown, gr.Button] | None) -> None:
    choice = ModelChoice(handlers.lab, "textvae", model)
    if explained is not None:  # the figures of the line on screen: on a model switch, and when asked
        diagram, live, measure = explained
        choice.redraws(runs_a_model(handlers.diagram), diagram, **CHEAP)
        # The figures of the typed line: the page's own (its rebuild module, into the block by its blur event, in the
        # page alone), the server's where the page cannot run the model.
        explaining = (runs_a_model(handlers.explain), [model, rebuild.typed], live)
        measured(measure, "sentences", *explaining, **CHEAP)
        rebuild.in_page.blur(None, None, live, js=SHOW_WORDS)
        choice.on_server(*explaining, trigger_mode="always_last", show_progress="hidden", **CHEAP)
        choice.redraws(runs_a_model(handlers.page_specs), [rebuild.in_page, walk.in_page, prior.in_page], **CHEAP)
    # The page walks, rebuilds and writes itself when a button is pressed, and puts its lines into the blocks
    # (the select listeners, in the page alone); where it cannot, it asks the server (input, and submit for a
    # new seed), as API clients do.
    walk.in_page.input(runs_a_model(handlers.interpolate), [model, walk.first, walk.second, walk.steps, walk.spherical],
                       [walk.walked, walk.walk_note], api_name="walk_lines", **CHEAP)
    walk.in_page.select(None, None, [walk.walked, walk.walk_note], js=shows("walk"))
    rebuild.in_page.input(runs_a_model(handlers.reconstruct), [model, rebuild.typed, rebuild.draw_seed],
                          [rebuild.rebuilt, rebuild.draws, rebuild.rebuild_note], api_name="rebuild_line", **CHEAP)
    rebuild.in_page.select(None, None, [rebuild.rebuilt, rebuild.draws, rebuild.rebuild_note], js=shows("rebuild"))
    prior.in_page.input(runs_a_model(handlers.sample), [model, prior.count, prior.temperature, prior.seed],
                        prior.sampled, api_name="prior_lines", **CHEAP)
    prior.in_page.submit(runs_a_model(handlers.new_seed_sample), [model, prior.count, prior.temperature],
                         [prior.seed, prior.sampled], api_name="new_lines_seed", **CHEAP)
    prior.in_page.select(None, None, prior.sampled, js=shows("prior"))


def build(lab: Lab) -> None:
    with gr.Tab("Sentences", id="sentences"):
        if not lab.names("textvae"):
            gr.Markdown("No pretrained sentence VAE is loaded: train one of your own in the Train tab.")
        gr.Markdown("A sentence VAE reads a line of verse into a 32-number code and writes a line back from "
                    "any code. Codes close together give similar lines, so the space between two lines is "
                    "full of lines too.")
        choices = model_choices(lab, TITLES)
        model = gr.Radio(choices, value=choices[0][1], label="Model")
        handlers = Handlers(lab)
        specs = dict(zip(ACTIONS, handlers.specs(choices[0][1] if lab.names("textvae") else None, None)))
        with gr.Row():
            with gr.Column():
                walk = line_to_line(specs["walk"])
            with gr.Column():
                rebuild = line_rebuilt(specs["rebuild"])
        prior = lines_from_prior(specs["prior"])
        explained = None
        if lab.names("textvae"):
            first = handlers.vae(choices[0][1], None)
            explained = panel(sentences_intro(first.config.latent), first,
                              handlers.explain(choices[0][1], rebuild.typed.value, None), measure=MEASURE)
        wire(handlers, model, walk, rebuild, prior, explained)
