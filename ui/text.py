"""Text tab: type a prompt and watch a character LSTM continue it, with the sampling knobs, a stop
button, and a look inside: how surprising each prompt character was, and what it expects next."""
import html
import math
import time

import gradio as gr

from genlab.text import TextError
from genlab.writer import MAX_LENGTH, MAX_PROMPT, Sampling, insight, read_prompt, write
from ui.common import CHEAP, MINE, Lab, NumberSlider, WholeNumber, on_gpu

NAMES = {"lstm": "Character LSTM (tiny-shakespeare)", MINE: "Mine (from the Train tab)"}
STREAM_EVERY = 0.05  # seconds between streamed updates: smooth to watch, light on the network
SURPRISE_SCALE = 6.0  # nats at which a character is coloured fully red


def surprisal_html(pairs: list[tuple[str, float]]) -> str:
    """The prompt with each character shaded by its surprisal; hover shows the value."""
    if not pairs:
        return "<p><i>Type a prompt to see how surprising each character is to the model.</i></p>"
    spans = []
    for ch, nats in pairs:
        alpha = min(1.0, nats / SURPRISE_SCALE)
        shown = "⏎<br>" if ch == "\n" else html.escape(ch).replace(" ", "&nbsp;")
        spans.append(f'<span title="{html.escape(repr(ch))}: {nats:.2f} nats" '
                     f'style="background:rgba(230,60,40,{alpha:.2f})">{shown}</span>')
    mean = sum(n for _, n in pairs) / len(pairs)
    return (f'<div style="font-family:monospace;line-height:1.6">{"".join(spans)}</div>'
            f"<p>Mean surprisal {mean:.2f} nats ({mean / math.log(2):.2f} bits) per character; "
            "redder is more surprising. Hover a character for its value.</p>")


def build(lab: Lab) -> None:
    names = [n for n in lab.names("lstm") if n in NAMES]

    def lstm_named(name: str, request: gr.Request | None):
        return lab.checkpoint(name, "lstm", request).model

    def sampling_from(temperature, top_k, top_p, length, seed, greedy) -> Sampling:
        """Sampling settings from the widgets (or the API), refusing what cannot be honoured."""
        def whole(value, what):
            if value is None or isinstance(value, bool) or not math.isfinite(value) or value != int(value):
                raise gr.Error(f"{what} must be a whole number; got {value!r}.")
            return int(value)

        sampling = Sampling(temperature=temperature, top_k=whole(top_k, "top-k"), top_p=top_p,
                            greedy=bool(greedy), length=whole(length, "Length"), seed=whole(seed, "The seed"))
        try:
            sampling.check()
        except TextError as err:
            raise gr.Error(str(err)) from None
        return sampling

    def generate(prompt: str, name: str, temperature: float, top_k: float, top_p: float, length: float,
                 seed: float, greedy: bool, request: gr.Request):
        """Continue the prompt; the text streams in as it is written."""
        model = lstm_named(name, request)
        sampling = sampling_from(temperature, top_k, top_p, length, seed, greedy)
        try:
            read = read_prompt(prompt or "", model.config.vocab)
        except TextError as err:
            raise gr.Error(str(err)) from None
        notice = (f"Left out {len(read.unknown)} character(s) the model does not know: "
                  f"{', '.join(repr(c) for c in read.unknown[:20])}." if read.unknown else "")
        if not read.text:
            notice = (notice + " The text starts from the model's start state.").strip()
        text, last = read.text, 0.0
        for ch in write(model, read.text, sampling, lab.device):
            text += ch
            if time.perf_counter() - last > STREAM_EVERY:
                last = time.perf_counter()
                yield text, notice
        yield text, notice

    def look_inside(prompt: str, name: str, request: gr.Request):
        """Each prompt character's surprisal, and the likeliest next characters after the prompt."""
        model = lstm_named(name, request)
        if prompt is not None and len(prompt) > MAX_PROMPT:
            raise gr.Error(f"The prompt has {len(prompt):,} characters; the cap is {MAX_PROMPT:,}.")
        seen = insight(model, prompt or "", lab.device)
        candidates = {("⏎ newline" if ch == "\n" else "␣ space" if ch == " " else ch): p for ch, p in seen.candidates}
        return candidates, surprisal_html(seen.surprisal)

    with gr.Tab("Text", id="text"):
        if not names:
            gr.Markdown("No pretrained character LSTM is loaded: train one of your own in the Train tab.")
        gr.Markdown("A character-level LSTM writes one character at a time, carrying its memory forward. "
                    "Type a prompt (or leave it empty) and press Write.")
        with gr.Row():
            with gr.Column(scale=3):
                prompt = gr.Textbox("ROMEO:\n", lines=4, max_length=MAX_PROMPT, label="Prompt")
                with gr.Row():
                    write_button = gr.Button("Write", variant="primary")
                    stop_button = gr.Button("Stop", variant="stop")
                output = gr.Textbox(lines=14, label="Text", interactive=False, autoscroll=True)
                notice = gr.Markdown()
            with gr.Column(scale=2):
                model = gr.Radio([(NAMES[n], n) for n in names + [MINE]], value=(names + [MINE])[0], label="Model")
                temperature = NumberSlider(0.05, 2.0, value=0.8, step=0.05, label="Temperature")
                top_k = NumberSlider(0, 100, value=0, step=1, label="Top-k (0: off; 1: greedy)")
                top_p = NumberSlider(0.05, 1.0, value=1.0, step=0.01, label="Top-p (nucleus)")
                length = NumberSlider(1, MAX_LENGTH, value=400, step=1, label="Characters to write")
                with gr.Row():
                    seed = WholeNumber(0, precision=0, minimum=0, label="Seed")
                    greedy = gr.Checkbox(False, label="Greedy (always the likeliest)")
        with gr.Accordion("Look inside: surprise and next-character guesses", open=True):
            with gr.Row():
                candidates = gr.Label(num_top_classes=8, label="Likeliest next characters after the prompt")
                surprise = gr.HTML(surprisal_html([]))

        writing = write_button.click(on_gpu(generate), [prompt, model, temperature, top_k, top_p, length, seed, greedy],
                                     [output, notice], api_name="generate", concurrency_limit=4,
                                     concurrency_id="writing")
        stop_button.click(None, None, None, cancels=[writing], queue=False)
        write_button.click(on_gpu(look_inside), [prompt, model], [candidates, surprise], api_name="look_inside", **CHEAP)
        for trigger in (prompt.change, model.change):
            trigger(on_gpu(look_inside), [prompt, model], [candidates, surprise], api_visibility="private",
                    trigger_mode="always_last", show_progress="hidden", **CHEAP)
