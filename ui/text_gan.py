"""Text GAN tab: lines from the adversarially trained generator beside lines from the same generator
before adversarial training and from the character LSTM, with how each set reads to the LSTM.
genlab.inference.three_writers does the work on the server; the page writes and measures the lines itself
(ui/web/text_gan.js), asking the server nothing, and puts them into the same block."""
import html
from dataclasses import dataclass, field
from typing import NamedTuple

import gradio as gr

from genlab.core.seeds import MAX_SEED, new_seed
from genlab.inference.objectives import critic_scores
from genlab.inference.three_writers import (COUNT_REFUSED, GAN, LSTM, MAX_COUNT, PRETRAINED, TEMPERATURE_REFUSED, Written,
                                            compare, judges)
from genlab.serve.export import JUDGE, MODEL
from genlab.serve.export import PRETRAINED as BEFORE
from genlab.serve.lab import MINE, Lab
from genlab.serve.web_models import WEB_MODELS
from ui.choices import ModelChoice
from ui.common import CHEAP, answers, model_choices, runs_a_model, user_of
from ui.gradio_internals import NumberSlider, WholeNumber
from ui.web import PageSpec, page_component
from ui.whats_happening import SCORED_LINES, TEXT_GAN_INTRO, TEXT_GAN_WORDS, drawn, measured, panel, text_gan_words

TITLES = {"textgan": "Text GAN (tiny-shakespeare lines)"}
KNOBS = {knob: f"genlab-textgan-{knob}" for knob in ("count", "temperature", "seed")}
BUTTONS = {button: f"genlab-textgan-{button.replace('_', '-')}" for button in ("write", "new_seed")}
LIVE_ID = "genlab-textgan-live"
MEASURE = "Measure the lines on screen"
NOTICE = '<div class="genlab-notice"></div>'
NOTICE_CSS = ".genlab-notice { color: var(--body-text-color-subdued); font-size: 0.9em; }"
SHOW_LINES = "() => window.genlab.textgan"  # the page's table into the tab's block, in the page alone
SHOW_WORDS = "() => window.genlab.readings.textGanWords"  # the page's What's happening for its lines, in the page alone


@dataclass(frozen=True, kw_only=True)
class TextGanSpec(PageSpec):
    """What ui/web/text_gan.js writes the three sets of lines with: each writer's step graph and sizes (the
    GAN's generator, its copy from before adversarial training, and the character LSTM where it knows the
    same characters, which also judges every line), the vocabulary, the longest line, the knobs' and
    buttons' ids, and the server's refusals, for the page to say alike."""

    writers: list[dict]  # {name, graph, layers, hidden}, in the table's order
    judge: dict | None  # the LSTM's {graph, layers, hidden}, or None where it learned from another text
    critic: str | None  # the GAN's critic (What's happening's scores), or None where the page cannot run it
    vocab: str
    max_chars: int
    max_count: int
    max_seed: int
    knobs: dict[str, str]
    buttons: dict[str, str]
    words: dict[str, str]
    figures: dict[str, str | int] = field(default_factory=lambda: {**TEXT_GAN_WORDS, "scored": SCORED_LINES})


def comparison_html(written: dict[str, Written]) -> str:
    """The sets of lines side by side, with the measurements of each under its column."""
    head = "".join(f"<th>{html.escape(who)}</th>" for who in written)
    rows = []
    for i in range(max(len(w.lines) for w in written.values())):
        cells = "".join(f"<td><code>{html.escape(w.lines[i]) if i < len(w.lines) else ''}</code></td>"
                        for w in written.values())
        rows.append(f"<tr>{cells}</tr>")

    def measured(stats: dict) -> str:
        judged = f"{stats['judge_nats_per_char']:.2f} nats/char to the LSTM<br>" if "judge_nats_per_char" in stats else ""
        return f"{judged}distinct 4-grams {stats['distinct_4']:.0%}, mean {stats['mean_chars']:.0f} chars"

    foot = "".join(f"<td><small>{measured(w.statistics)}</small></td>" for w in written.values())
    return f'<table class="lines"><tr>{head}</tr>{"".join(rows)}<tr>{foot}</tr></table>'


def stored_table(metrics: dict) -> str:
    """The measurements on 1000 lines each, stored in the checkpoint when it was trained or evaluated."""
    if "samples_distinct_4" not in metrics:
        return ""
    rows = []
    for prefix, who in (("", "Text GAN"), ("pretrained_", "Before adversarial training")):
        judged = metrics.get(prefix + "samples_judge_nats_per_char")
        rows.append(f"| {who} | {'' if judged is None else f'{judged:.3f}'} | {metrics[prefix + 'val_nats_per_char']:.3f} | "
                    f"{metrics[prefix + 'samples_distinct_4']:.3f} | {metrics[prefix + 'samples_copied']:.1%} |")
    return ("Measured on 1000 lines each (from the checkpoint's metadata):\n\n"
            "| Generator | its lines, nats/char under the LSTM (lower reads better) | nats/char it gives held-out "
            "lines (lower covers real text better) | distinct 4-grams | lines copied from training |\n"
            "|---|---|---|---|---|\n" + "\n".join(rows))


class Handlers:
    """What the tab's events do, on the lab's text GANs: callable without building the tab."""

    def __init__(self, lab: Lab):
        self.lab = lab

    def live_spec(self, model: str | None, request: gr.Request | None) -> TextGanSpec:
        """What the page needs to write the lines itself with this text GAN (no model loaded: None, and the
        page asks the server, which says what is missing)."""
        checkpoint = self.lab.checkpoint(model, "textgan", user_of(request)) if model else None
        gan, why = WEB_MODELS.try_url(checkpoint, keep=model != MINE, part=MODEL)
        before, _ = WEB_MODELS.try_url(checkpoint, keep=model != MINE, part=BEFORE)
        critic, _ = WEB_MODELS.try_url(checkpoint, keep=model != MINE, part=JUDGE)
        lstm = self.lab.checkpoints.get("lstm")
        judge = None
        if checkpoint and judges(checkpoint.model, lstm and lstm.model):
            graph, _ = WEB_MODELS.try_url(lstm, keep=True)
            judge = graph and {"graph": graph, "layers": lstm.model.config.layers, "hidden": lstm.model.config.hidden}
        config = checkpoint.model.config if checkpoint else None
        sizes = {"layers": 1, "hidden": config.hidden if config else 0}
        writers = [{"name": GAN, "graph": gan, **sizes}, {"name": PRETRAINED, "graph": before, **sizes}]
        if judge:
            writers.append({"name": LSTM, **judge})
        return TextGanSpec(why=why, server_blocks=(), writers=writers if gan and before else [], judge=judge, critic=critic,
                           vocab=config.vocab if config else "", max_chars=config.max_chars if config else 0,
                           max_count=MAX_COUNT, max_seed=MAX_SEED, knobs=KNOBS, buttons=BUTTONS,
                           words={"count": COUNT_REFUSED, "temperature": TEMPERATURE_REFUSED})

    def page_spec(self, model: str, request: gr.Request) -> str:
        return self.live_spec(model, request).to_json()

    def sample(self, model: str, count: float, temperature: float, seed: float, request: gr.Request):
        """`count` lines from each generator at this temperature and seed, side by side."""
        checkpoint = self.lab.checkpoint(model, "textgan", user_of(request))
        written = compare(checkpoint.model, self.lab.judge("lstm"), count, temperature, seed, self.lab.device)
        return comparison_html(written), stored_table(checkpoint.meta["metrics"])

    def new_seed_sample(self, model: str, count: float, temperature: float, request: gr.Request):
        seed = new_seed()
        return seed, *self.sample(model, count, temperature, seed, request)

    def explain(self, model: str, count: float, temperature: float, seed: float, request: gr.Request | None) -> str:
        """What's happening: the critic's score of the lines on screen from the two generators."""
        text_gan = self.lab.checkpoint(model, "textgan", user_of(request)).model
        written = compare(text_gan, None, count, temperature, seed, self.lab.device)  # the same lines, unjudged
        scored = [(who, line, score) for who, each in written.items()
                  for line, score in zip(each.lines[:SCORED_LINES], critic_scores(text_gan, each.lines[:SCORED_LINES]))]
        return text_gan_words(scored)

    def diagram(self, model: str, request: gr.Request) -> str:
        return drawn(self.lab.checkpoint(model, "textgan", user_of(request)).model)

    def first_sample(self) -> tuple[str, str]:
        """What the tab shows before anyone presses Write: the pretrained model's lines for seed 0."""
        if "textgan" not in self.lab.checkpoints:
            return "", ""
        checkpoint = self.lab.checkpoints["textgan"]
        written = compare(checkpoint.model, self.lab.judge("lstm"), 8, 1.0, 0, self.lab.device)
        return comparison_html(written), stored_table(checkpoint.meta["metrics"])


class Page(NamedTuple):
    """The knobs (in the order Handlers.sample takes them), the lines written (by the page's side, in_page,
    or the server's) and What's happening."""
    model: gr.Radio
    count: NumberSlider
    temperature: NumberSlider
    seed: WholeNumber
    in_page: gr.HTML
    compared: gr.HTML
    stored: gr.Markdown
    explained: tuple[gr.HTML, gr.Markdown, gr.Button] | None


def layout(handlers: Handlers) -> Page:
    if not handlers.lab.names("textgan"):
        gr.Markdown("No pretrained text GAN is loaded: train one of your own in the Train tab.")
    gr.Markdown("Three writers of lines of verse, side by side. **Text GAN**: a network that learned to "
                "write by trying to fool a critic, which reads whole lines and learns to tell them from "
                "Shakespeare's. **Before adversarial training**: the same network when it had only learned "
                "to predict the next character. **Character LSTM**: the Text tab's model. The LSTM also "
                "scores every line: fewer nats per character reads more like the real text to it. (How the "
                "critic's verdict reaches the writer: through Gumbel-softmax samples, a smooth stand-in "
                "for picking each character.)")
    choices = model_choices(handlers.lab, TITLES)
    model = gr.Radio(choices, value=choices[0][1], label="Model")
    with gr.Row():
        count = NumberSlider(1, MAX_COUNT, value=8, step=1, label="Lines from each", elem_id=KNOBS["count"])
        temperature = NumberSlider(0.1, 2.0, value=1.0, step=0.05, elem_id=KNOBS["temperature"],
                                   label="Temperature (1: the distribution the GAN was trained with)")
        seed = WholeNumber(0, precision=0, minimum=0, maximum=MAX_SEED, label="Seed", elem_id=KNOBS["seed"])
    with gr.Row():
        gr.Button("Write", variant="primary", elem_id=BUTTONS["write"])
        gr.Button("New seed", elem_id=BUTTONS["new_seed"])
    in_page = page_component("text_gan.js", handlers.live_spec(choices[0][1] if handlers.lab.names("textgan") else None,
                                                               None), LIVE_ID, NOTICE, NOTICE_CSS)
    shown, measured = handlers.first_sample()
    compared = gr.HTML(shown, elem_classes=["wide-table"])
    stored = gr.Markdown(measured, elem_classes=["wide-table"])
    explained = None
    if handlers.lab.names("textgan"):
        first = handlers.lab.checkpoints[choices[0][1]].model
        explained = panel(TEXT_GAN_INTRO, first, handlers.explain(choices[0][1], count.value, temperature.value,
                                                                  seed.value, None), measure=MEASURE)
    return Page(model, count, temperature, seed, in_page, compared, stored, explained)


def wire(handlers: Handlers, page: Page) -> None:
    knobs, shown = [page.model, page.count, page.temperature, page.seed], [page.compared, page.stored]
    # The page writes the lines itself when Write or New seed is pressed and puts its table into the block (the
    # select listener, in the page alone); where it cannot, it asks the server (input; submit for a new seed),
    # as API clients do.
    page.in_page.input(runs_a_model(handlers.sample), knobs, shown, api_name="sample_text_gan", **CHEAP)
    page.in_page.submit(runs_a_model(handlers.new_seed_sample), [page.model, page.count, page.temperature],
                        [page.seed, *shown], api_name="new_text_gan_seed", **CHEAP)
    page.in_page.select(None, None, page.compared, js=SHOW_LINES)
    choice = ModelChoice(handlers.lab, "textgan", page.model)  # the page writes the new model's lines itself
    choice.on_server(runs_a_model(handlers.sample), knobs, shown, **CHEAP)
    choice.redraws(answers(handlers.page_spec), page.in_page, **CHEAP)
    if page.explained is not None:  # the critic's scores of the lines on screen: on a model switch, and when asked
        diagram, live, measure = page.explained
        choice.redraws(runs_a_model(handlers.diagram), diagram, **CHEAP)
        measured(measure, "textgan", runs_a_model(handlers.explain), knobs, live, **CHEAP)
        page.in_page.blur(None, None, live, js=SHOW_WORDS)  # the page's, after a model choice
        choice.on_server(runs_a_model(handlers.explain), knobs, live, trigger_mode="always_last", show_progress="hidden",
                         **CHEAP)


def build(lab: Lab) -> None:
    handlers = Handlers(lab)
    with gr.Tab("Text GAN", id="textgan"):
        wire(handlers, layout(handlers))
