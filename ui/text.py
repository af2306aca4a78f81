"""Text tab: type a prompt and watch a character LSTM continue it, with the sampling knobs, a stop
button, and a look inside: how surprising each prompt character was, and what it expects next. The page
writes and looks inside itself (ui/web/text_write.js, ui/web/text_inside.js, the LSTM's step graph in ONNX
Runtime Web); the server does for API clients and where the page cannot run the model."""
import html
import math
import time
from dataclasses import dataclass
from typing import NamedTuple

import gradio as gr
import torch

from genlab.core.seeds import MAX_SEED
from genlab.inference.objectives import next_chances
from genlab.inference.writer import MAX_LENGTH, MAX_PROMPT, insight, notice, read_prompt, sampling_from, write_steps
from genlab.serve.lab import MINE, Lab
from genlab.serve.web_models import WEB_MODELS
from ui.choices import ModelChoice
from ui.common import CHEAP, answers, model_choices, runs_a_model, user_of
from ui.gradio_internals import NumberSlider, WholeNumber
from ui.web import PageSpec, page_component
from ui.whats_happening import TEXT_INTRO, TEXT_WORDS, drawn, measured, panel, shown_char, text_words

TITLES = {"lstm": "Character LSTM (tiny-shakespeare)"}
STREAM_EVERY = 0.05  # seconds between streamed updates: smooth to watch, light on the network
SURPRISE_SCALE = 6.0  # nats at which a character is coloured fully red
FAST, WATCH = "fast", "watch"
PACES = {"As fast as it can": FAST, "Slowly, showing each choice": WATCH}
WATCH_SECONDS = 0.25  # between characters at the watching pace: time to read the chances
TOP = 8  # next characters shown by the look inside
# The blocks the page reads and stands in for, by id.
KNOBS = {knob: f"genlab-text-{knob.replace('_', '-')}"
         for knob in ("prompt", "temperature", "top_k", "top_p", "length", "seed", "greedy", "pace")}
BUTTONS = {"write": "genlab-text-write", "stop": "genlab-text-stop"}
WRITER_ID, INSIDE_ID = "genlab-text-live", "genlab-text-inside"
OUTPUT_ID, NOTE_ID, CHOICE_ID = "genlab-text-output", "genlab-text-note", "text-choice"
CANDIDATES_ID, SURPRISE_ID = "genlab-text-candidates", "genlab-text-surprise"
MEASURE = "Measure the prompt on screen"
SHOW_WORDS = "() => window.genlab.readings.textWords"  # the page's What's happening for the prompt, in the page alone
TEXT_CSS = """
[data-mode=server] .genlab-in-page { display: none; }
.genlab-text textarea { width: 100%; box-sizing: border-box; font: inherit; font-family: var(--font-mono); padding: 8px;
  border: 1px solid var(--border-color-primary); border-radius: var(--radius-lg); background: var(--input-background-fill);
  color: var(--body-text-color); resize: vertical; }
.genlab-text .genlab-live-title { display: block; margin-bottom: 4px; font-size: var(--block-label-text-size);
  color: var(--block-label-text-color); }
.genlab-candidate { display: grid; grid-template-columns: 6em 1fr 3.5em; align-items: center; gap: 6px; }
.genlab-candidate meter { width: 100%; }
.genlab-notice { color: var(--body-text-color-subdued); font-size: 0.9em; }
"""  # the page's own text and look inside show once the page runs the model; until then the server's do


@dataclass(frozen=True, kw_only=True)
class LstmSpec(PageSpec):
    """What both of the tab's page modules read: the LSTM's step graph (genlab.serve.export), its
    characters in id order and its size (the state's shape)."""

    lstm: str | None
    vocab: str
    layers: int
    hidden: int


@dataclass(frozen=True, kw_only=True)
class WriterSpec(LstmSpec):
    """ui/web/text_write.js's: the ids of the knobs and buttons, the pace that shows each choice and its
    time a character, and the limits the server holds the knobs to."""

    knobs: dict[str, str]
    buttons: dict[str, str]
    watch: str = WATCH
    watch_ms: int = round(1000 * WATCH_SECONDS)
    max_length: int = MAX_LENGTH
    max_seed: int = MAX_SEED


@dataclass(frozen=True, kw_only=True)
class InsideSpec(LstmSpec):
    """ui/web/text_inside.js's: the prompt's and the temperature's ids, how many next characters to show, the
    surprisal at which a character is fully red, and What's happening's words (ui.whats_happening.text_words)."""

    prompt: str
    temperature: str
    words: dict[str, str]
    top: int = TOP
    surprise_scale: float = SURPRISE_SCALE


def surprisal_html(pairs: list[tuple[str, float]]) -> str:
    """The prompt with each character shaded by its surprisal; hovering or tapping one shows its value
    (a tap focuses the character, and the page's CSS shows the value of the focused one)."""
    if not pairs:
        return "<p><i>Type a prompt to see how surprising each character is to the model.</i></p>"
    spans = []
    for ch, nats in pairs:
        alpha = min(1.0, nats / SURPRISE_SCALE)
        shown = "⏎<br>" if ch == "\n" else html.escape(ch).replace(" ", "&nbsp;")
        value = f"{html.escape(repr(ch))}: {nats:.2f} nats"
        spans.append(f'<span title="{value}" data-value="{value}" tabindex="0" '
                     f'style="background:rgba(230,60,40,{alpha:.2f})">{shown}</span>')
    mean = sum(n for _, n in pairs) / len(pairs)
    return (f'<div class="surprisal">{"".join(spans)}</div>'
            f"<p>Mean surprisal {mean:.2f} nats ({mean / math.log(2):.2f} bits) per character; "
            "redder is more surprising. Hover or tap a character for its value.</p>")


def choice_html(step: int, char: str, drawn_from: torch.Tensor, vocab: str, top: int = 6) -> str:
    """One step of slow writing: the character drawn, and the likeliest ones it was drawn from, as bars."""
    chances, ids = drawn_from.topk(min(top, len(drawn_from)))
    rows = "".join(
        f'<div class="genlab-choice{" chosen" if vocab[int(i)] == char else ""}"><code>{html.escape(shown_char(vocab[int(i)]))}'
        f'</code><span style="width:{100 * float(p):.0f}%"></span>{float(p):.3f}</div>' for p, i in zip(chances, ids))
    chance = float(drawn_from[vocab.index(char)])
    return (f"<p>Character {step}: drew <code>{html.escape(shown_char(char))}</code> (chance {chance:.3f}) "
            f"from these chances:</p>{rows}")


class Handlers:
    """What the tab's events do, on the lab's character LSTMs: callable without building the tab."""

    def __init__(self, lab: Lab):
        self.lab = lab

    def lstm_named(self, model: str, request: gr.Request | None):
        return self.lab.checkpoint(model, "lstm", user_of(request)).model

    def generate(self, prompt: str, model: str, temperature: float, top_k: float, top_p: float, length: float,
                 seed: float, greedy: bool, request: gr.Request, pace: str = FAST):
        """Continue the prompt; the text streams in as it is written. At the "watch" pace it writes a few
        characters a second and shows, for each, the chances it was drawn from."""
        if pace not in PACES.values():
            raise gr.Error(f"The pace is one of {list(PACES.values())}; got {pace!r}.")
        lstm = self.lstm_named(model, request)
        sampling = sampling_from(temperature, top_k, top_p, length, seed, greedy)
        read = read_prompt(prompt or "", lstm.config.vocab)
        text, last, vocab = read.text, 0.0, lstm.config.vocab
        for step, (ch, drawn_from) in enumerate(write_steps(lstm, read.text, sampling, self.lab.device), 1):
            text += ch
            if pace == WATCH:
                time.sleep(WATCH_SECONDS)
                yield text, notice(read), choice_html(step, ch, drawn_from, vocab)
            elif time.perf_counter() - last > STREAM_EVERY:
                last = time.perf_counter()
                yield text, notice(read), ""
        if pace != WATCH:
            yield text, notice(read), ""

    def specs(self, model: str, request: gr.Request | None) -> tuple[WriterSpec, InsideSpec]:
        """What the page needs to write and look inside with this LSTM itself."""
        checkpoint = self.lab.checkpoint(model, "lstm", user_of(request))
        lstm, why = WEB_MODELS.try_url(checkpoint, keep=model != MINE)
        config = checkpoint.model.config
        shared = dict(lstm=lstm, why=why, vocab=config.vocab, layers=config.layers, hidden=config.hidden)
        return (WriterSpec(**shared, server_blocks=(OUTPUT_ID, NOTE_ID, CHOICE_ID), knobs=KNOBS, buttons=BUTTONS),
                InsideSpec(**shared, server_blocks=(CANDIDATES_ID, SURPRISE_ID), prompt=KNOBS["prompt"],
                           temperature=KNOBS["temperature"], words=TEXT_WORDS))

    def switch_model(self, model: str, request: gr.Request) -> tuple[str, str]:
        return tuple(spec.to_json() for spec in self.specs(model, request))

    def look_inside(self, prompt: str, model: str, request: gr.Request):
        """Each prompt character's surprisal, and the likeliest next characters after the prompt."""
        seen = insight(self.lstm_named(model, request), prompt or "", self.lab.device)
        candidates = {("⏎ newline" if ch == "\n" else "␣ space" if ch == " " else ch): p
                      for ch, p in seen.candidates}
        return candidates, surprisal_html(seen.surprisal)

    def explain(self, prompt: str, model: str, temperature: float, request: gr.Request) -> str:
        """What's happening: the prompt's loss per character and the next character's chances at T."""
        return explained(self.lstm_named(model, request), prompt or "", temperature, self.lab.device)

    def diagram(self, model: str, request: gr.Request) -> str:
        return drawn(self.lstm_named(model, request))


def explained(lstm, prompt: str, temperature: float, device) -> str:
    if not (isinstance(temperature, (int, float)) and 0 < temperature <= 2):
        temperature = 1.0  # the slider refuses such values on Write; the panel shows the model's own chances
    seen = insight(lstm, prompt, device)  # one pass over the prompt gives both figures
    vocab = lstm.config.vocab
    chances = [(vocab[i], p, p_t) for i, p, p_t in next_chances(seen.next_log_probs, temperature)]
    return text_words(seen.surprisal, chances, temperature)


class Page(NamedTuple):
    """The prompt and what is written after it, the sampling knobs (in the order Handlers.generate takes
    them), the look inside, and the page's own writer and look inside (in_page, inside)."""
    prompt: gr.Textbox
    write_button: gr.Button
    stop_button: gr.Button
    in_page: gr.HTML
    output: gr.Textbox
    prompt_note: gr.Markdown
    choice: gr.HTML
    model: gr.Radio
    temperature: NumberSlider
    top_k: NumberSlider
    top_p: NumberSlider
    length: NumberSlider
    seed: WholeNumber
    greedy: gr.Checkbox
    pace: gr.Radio
    inside: gr.HTML
    candidates: gr.Label
    surprise: gr.HTML
    diagram: gr.HTML | None
    explained: gr.Markdown | None
    measure: gr.Button | None


WRITER_BODY = ('<div class="genlab-text genlab-live"><div class="genlab-in-page"><span class="genlab-live-title">Text</span>'
               '<textarea readonly rows="14" aria-label="Text written in the page"></textarea>'
               '<div class="genlab-note"></div><div class="genlab-choices"></div></div>'
               '<div class="genlab-notice"></div></div>')
INSIDE_BODY = ('<div class="genlab-text genlab-live"><div class="genlab-in-page"><span class="genlab-live-title">'
               'Likeliest next characters after the prompt</span><div class="genlab-candidates"></div>'
               '<div class="genlab-surprise prose"></div></div><div class="genlab-notice"></div></div>')


def layout(handlers: Handlers) -> Page:
    lab = handlers.lab
    if not lab.names("lstm"):
        gr.Markdown("No pretrained character LSTM is loaded: train one of your own in the Train tab.")
    gr.Markdown("A character-level LSTM writes one character at a time, carrying its memory forward. "
                "Type a prompt (or leave it empty) and press Write.")
    choices = model_choices(lab, TITLES)
    first = handlers.lstm_named(choices[0][1], None) if lab.names("lstm") else None
    writer_spec, inside_spec = handlers.specs(choices[0][1], None) if first else (None, None)
    with gr.Row():
        with gr.Column(scale=3):
            prompt = gr.Textbox("ROMEO:\n", lines=4, max_length=MAX_PROMPT, label="Prompt", elem_id=KNOBS["prompt"])
            with gr.Row():
                write_button = gr.Button("Write", variant="primary", elem_id=BUTTONS["write"])
                stop_button = gr.Button("Stop", variant="stop", elem_id=BUTTONS["stop"])
            in_page = (page_component("text_write.js", writer_spec, WRITER_ID, WRITER_BODY, TEXT_CSS) if first
                       else gr.HTML(visible=False))
            output = gr.Textbox(lines=14, label="Text", interactive=False, autoscroll=True, elem_id=OUTPUT_ID)
            prompt_note = gr.Markdown(elem_id=NOTE_ID)
            choice = gr.HTML(elem_id=CHOICE_ID)
        with gr.Column(scale=2):
            model = gr.Radio(choices, value=choices[0][1], label="Model")
            temperature = NumberSlider(0.05, 2.0, value=0.8, step=0.05, label="Temperature", elem_id=KNOBS["temperature"])
            top_k = NumberSlider(0, 100, value=0, step=1, label="Top-k (0: off; 1: greedy)", elem_id=KNOBS["top_k"])
            top_p = NumberSlider(0.05, 1.0, value=1.0, step=0.01, label="Top-p (nucleus)", elem_id=KNOBS["top_p"])
            length = NumberSlider(1, MAX_LENGTH, value=400, step=1, label="Characters to write", elem_id=KNOBS["length"])
            with gr.Row():
                seed = WholeNumber(0, precision=0, minimum=0, maximum=MAX_SEED, label="Seed", elem_id=KNOBS["seed"])
                greedy = gr.Checkbox(False, label="Greedy (always the likeliest)", elem_id=KNOBS["greedy"])
            pace = gr.Radio(list(PACES.items()), value=FAST, label="Pace", elem_id=KNOBS["pace"])
    inside_now = handlers.look_inside(prompt.value, choices[0][1], None) if first else ({}, surprisal_html([]))
    with gr.Accordion("Look inside: surprise and next-character guesses", open=True):
        inside = (page_component("text_inside.js", inside_spec, INSIDE_ID, INSIDE_BODY, TEXT_CSS) if first
                  else gr.HTML(visible=False))
        with gr.Row():  # filled for the prompt already there: it is open
            candidates = gr.Label(inside_now[0], num_top_classes=TOP, label="Likeliest next characters after the prompt",
                                  elem_id=CANDIDATES_ID)
            surprise = gr.HTML(inside_now[1], elem_id=SURPRISE_ID)
    diagram, explained_text, measure = (panel(TEXT_INTRO, first, explained(first, prompt.value, temperature.value,
                                                                            lab.device), measure=MEASURE)
                                        if first else (None, None, None))
    return Page(prompt, write_button, stop_button, in_page, output, prompt_note, choice, model, temperature, top_k,
                top_p, length, seed, greedy, pace, inside, candidates, surprise, diagram, explained_text, measure)


def wire(handlers: Handlers, page: Page) -> None:
    knobs = [page.prompt, page.model, page.temperature, page.top_k, page.top_p, page.length, page.seed, page.greedy,
             page.pace]
    # The page writes and looks inside itself, and asks the server (its components' input events) only
    # where it cannot; API clients call /generate and /look_inside.
    writing = page.in_page.input(runs_a_model(handlers.generate), knobs, [page.output, page.prompt_note, page.choice],
                                 api_name="generate", concurrency_limit=4, concurrency_id="writing")
    page.stop_button.click(None, None, None, cancels=[writing], queue=False)
    page.inside.input(runs_a_model(handlers.look_inside), [page.prompt, page.model], [page.candidates, page.surprise],
                      api_name="look_inside", trigger_mode="always_last", show_progress="hidden", **CHEAP)
    choice = ModelChoice(handlers.lab, "lstm", page.model)
    choice.redraws(answers(handlers.switch_model), [page.in_page, page.inside], **CHEAP)
    if page.explained is None:
        return
    choice.redraws(runs_a_model(handlers.diagram), page.diagram, **CHEAP)
    # What's happening's figures of the prompt on screen, when asked and after a model choice: the page's own (its
    # look inside reads the prompt), the server's where the page cannot run the model.
    explaining = (runs_a_model(handlers.explain), [page.prompt, page.model, page.temperature], page.explained)
    measured(page.measure, "text", *explaining, **CHEAP)
    page.inside.select(None, None, page.explained, js=SHOW_WORDS)
    choice.on_server(*explaining, trigger_mode="always_last", show_progress="hidden", **CHEAP)


def build(lab: Lab) -> None:
    with gr.Tab("Text", id="text"):
        handlers = Handlers(lab)
        wire(handlers, layout(handlers))
