"""Train tab: pick a model, set a few knobs, press Train and watch it learn; Stop keeps what it has
learned. The result is the user's own model ("Mine" in the other tabs), with a download; a
checkpoint can be uploaded back."""
import html
import time
from dataclasses import replace
from pathlib import Path

import gradio as gr
import pandas as pd

from genlab.lines import split_lines
from genlab.live import LiveError, Run, Runs
from genlab.recipes import KNOBS, RECIPES, RecipeError
from genlab.text import MAX_TRAINING_TEXT, TextError, decode_utf8, split_corpus
from genlab.train.loop import TrainEvent
from ui.common import FAMILY_NAMES, FileInput, Lab, NumberSlider, Picture, user_of

SHAKESPEARE = "tiny-shakespeare"
MY_TEXT = "my text"
POLL_SECONDS = 0.25
WHERE_TO_USE = {"classifier": "Classify", "vae": "VAE explorer", "gan": "GAN sampler", "lstm": "Text",
                "textvae": "Sentences", "textgan": "Text GAN"}
TEXT_FAMILIES = ("lstm", "textvae", "textgan")  # they learn from tiny-shakespeare or the user's text
HEADLINE = {  # the final metric that says how good the model is, and how to print it
    "test_accuracy": ("Test accuracy", "{:.2%}"), "test_neg_elbo": ("Test negative ELBO (nats)", "{:.2f}"),
    "test_kl": ("KL term (nats)", "{:.2f}"), "active_dims": ("Active latent dimensions", "{}"),
    "fid": ("FID (our CNN's features)", "{:.2f}"), "val_loss": ("Validation loss (nats/char)", "{:.3f}"),
    "val_bits_per_char": ("Bits per character", "{:.3f}"),
    "val_neg_elbo": ("Held-out negative ELBO (nats/line)", "{:.2f}"), "val_kl": ("KL term (nats/line)", "{:.2f}"),
    "exact_reconstructions": ("Lines rebuilt exactly", "{:.1%}"),
    "val_nats_per_char": ("Held-out nats/char", "{:.3f}"),
    "samples_judge_nats_per_char": ("Its lines' nats/char under the character LSTM", "{:.3f}"),
    "samples_distinct_4": ("Distinct 4-grams in 1000 lines", "{:.3f}"),
}


def knob_updates(name: str) -> list:
    """Every knob slider relabelled, re-ranged and reset for this architecture; unused ones hidden."""
    recipe = RECIPES[name]
    updates = []
    for key in KNOBS:
        knob = recipe.knobs.get(key)
        if knob is None:
            updates.append(gr.Slider(visible=False))
        else:
            updates.append(gr.Slider(minimum=knob.low, maximum=knob.high, value=knob.default, step=knob.step,
                                     label=knob.label, visible=True))
    return updates


def knob_slider(key: str, recipe) -> gr.Slider:
    """A slider showing this recipe's range, whose server-side limits span every recipe's range for
    the knob (the recipe checks its own range when a run starts)."""
    every = [r.knobs[key] for r in RECIPES.values() if key in r.knobs]
    knob = recipe.knobs.get(key, every[0])
    slider = NumberSlider(knob.low, knob.high, value=knob.default, step=knob.step, label=knob.label,
                          visible=key in recipe.knobs)
    slider.limits = (min(k.low for k in every), max(k.high for k in every))
    return slider


def progress_html(run: Run, position: int) -> str:
    """A progress bar with steps, time and time left, or the place in line, or how the run ended."""
    if run.state == "waiting":
        ahead = position - 1
        return (f"<p>⏳ Waiting for a free trainer: {ahead} run{'s' if ahead != 1 else ''} ahead of yours. "
                "It starts by itself; Stop leaves the line.</p>")
    if run.state == "failed":
        return f"<p>❌ The run failed: {html.escape(run.error)}</p>"
    last = run.events[-1] if run.events else None
    if last is None:
        if run.state == "stopped":
            return "<p>Stopped: the run left the line before it started.</p>"
        return "<p>Starting: loading the data and building the model…</p>"
    cap = getattr(run.settings, "max_seconds", None)
    left = min(last.seconds_left, cap - last.elapsed if cap else float("inf"))
    fraction = max(last.fraction, min(1.0, last.elapsed / cap) if cap else 0.0)
    if run.state == "finished":
        words = f"✅ Finished: {last.step} steps in {last.elapsed:.0f} s."
    elif run.state == "stopped":
        words = f"⏹ Stopped at step {last.step} after {last.elapsed:.0f} s; the model keeps what it learned."
    elif run.state == "stopping":
        words = f"Stopping after step {last.step}: measuring the model on held-out data…"
    else:
        when = f"about {left:.0f} s left" if left != float("inf") else "estimating time left"
        words = f"Step {last.step} of {last.total_steps}, epoch {last.epoch:.2f}, {last.elapsed:.0f} s, {when}."
    done = 1.0 if run.state in ("finished", "stopped") else fraction
    return (f'<progress value="{done:.3f}" max="1" style="width:100%;height:18px"></progress>'
            f"<p>{html.escape(words)}</p>")


def curves(events: list[TrainEvent]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long-form tables for the two plots: running losses, and the held-out metrics when measured."""
    losses = [(e.step, k, v) for e in events for k, v in e.losses.items()]
    measured = [(e.step, k, v) for e in events for k, v in e.metrics.items()
                if isinstance(v, float) and k in HEADLINE and not e.done]
    columns = ["step", "series", "value"]
    return pd.DataFrame(losses, columns=columns), pd.DataFrame(measured, columns=columns)


def result_markdown(run: Run) -> str:
    if run.checkpoint is None:
        return ""
    metrics = run.checkpoint.meta["metrics"]
    family = run.checkpoint.meta["family"]
    rows = [f"| {label} | {fmt.format(metrics[k])} |" for k, (label, fmt) in HEADLINE.items() if k in metrics]
    table = "\n".join(["| Measured on held-out data | |", "|---|---|", *rows]) if rows else ""
    where = f"choose **Mine** in the **{WHERE_TO_USE[family]}** tab, or download it below."
    if not run.checkpoint.meta["training"].get("steps"):
        return (f"{table}\n\nYour {FAMILY_NAMES[family]} was stopped before its first training step, so it "
                f"is untrained (it answers at chance). It is still yours to look at: {where}")
    return f"{table}\n\nYour {FAMILY_NAMES[family]} is ready: {where}"


def latest_preview(run: Run):
    """The newest image preview and the newest text preview, each None when there is none."""
    image = next((e.preview for e in reversed(run.events) if e.preview is not None and not isinstance(e.preview, str)),
                 None)
    text = next((e.preview for e in reversed(run.events) if isinstance(e.preview, str)), None)
    return image, text


def build(lab: Lab, runs: Runs) -> None:
    def training_text(family: str, text_source: str, text: str | None, text_file: str | None,
                      user: str) -> Path | None:
        """The user's own corpus written to their folder, after the checks training would make."""
        if text_source != MY_TEXT:
            return None
        if text_file:
            size = Path(text_file).stat().st_size
            if size > 4 * MAX_TRAINING_TEXT:
                raise gr.Error(f"The file is {size:,} bytes; the cap is {MAX_TRAINING_TEXT:,} characters.")
            text = decode_utf8(Path(text_file).read_bytes())
        if not text:
            raise gr.Error("Paste some text or upload a UTF-8 .txt file, or choose tiny-shakespeare.")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as err:
            raise gr.Error(f"The text holds a character that is not valid Unicode ({text[err.start]!r} at "
                           f"position {err.start}), so it cannot be saved as UTF-8: fix or remove it.") from None
        split_corpus(text)  # refuses too short or too long a text before any process starts
        if family != "lstm":
            split_lines(text)  # the line models need enough short lines
        return runs.save_text(user, text)

    def train(architecture: str, epochs: float, lr: float, batch_size: float, width: float, latent: float,
              beta: float, max_seconds: float, text_source: str, text: str, text_file: str | None,
              request: gr.Request):
        """Train a model of your own, streaming progress; knobs an architecture does not use are ignored."""
        if architecture not in RECIPES:
            raise gr.Error(f"Unknown architecture {architecture!r}; choose one of {sorted(RECIPES)}.")
        values = dict(zip(KNOBS, (epochs, lr, batch_size, width, latent, beta, max_seconds)))
        user = user_of(request)
        try:
            config, settings = RECIPES[architecture].build(architecture, values)
            family = RECIPES[architecture].family
            if family in TEXT_FAMILIES:
                corpus = training_text(family, text_source, text, text_file, user)
                settings = replace(settings, text_file=str(corpus) if corpus else "")
            run = runs.start(user, architecture, config, settings)
        except (RecipeError, LiveError, TextError) as err:
            raise gr.Error(str(err)) from None
        shown = None
        while True:
            ended = not run.active  # read first: the last view must show the run as it ended
            position = runs.position(run)
            snapshot = (run.state, len(run.events), position)
            if snapshot != shown:
                shown = snapshot
                yield view(run, position)
            if ended:
                return
            time.sleep(POLL_SECONDS)

    def view(run: Run, position: int):
        # No table until there are rows: an empty one fixes the plot's scales, and later lines stay invisible.
        losses, measured = (None if table.empty else table for table in curves(run.events))
        image, text = latest_preview(run)
        files = [str(p) for p in (run.path.with_suffix(".safetensors"), run.path.with_suffix(".json"))] \
            if run.checkpoint is not None else None
        return progress_html(run, position), losses, measured, image, text, result_markdown(run), files

    def stop(request: gr.Request) -> str:
        """Stop your training run; the model keeps what it learned so far."""
        run = runs.stop(user_of(request))
        if run is None:
            return "There is no training run to stop."
        return "Stopping…" if run.active else "The run has ended."

    def switch(name: str):
        is_text = RECIPES[name].family in TEXT_FAMILIES
        return [*knob_updates(name), gr.Group(visible=is_text), gr.Image(visible=not is_text),
                gr.Textbox(visible=is_text)]

    def upload(paths: list[str] | None, request: gr.Request) -> str:
        """Load a checkpoint you downloaded earlier (its .safetensors and .json) as your own model."""
        if not paths:
            raise gr.Error("Choose the two files of a checkpoint: the .safetensors and the .json.")
        files = {Path(p).name: Path(p).read_bytes() for p in paths}
        try:
            checkpoint = runs.add_upload(user_of(request), files)
        except LiveError as err:
            raise gr.Error(str(err)) from None
        family = checkpoint.meta["family"]
        return (f"Loaded your {FAMILY_NAMES[family]} ({checkpoint.meta['arch']}, "
                f"{checkpoint.meta['parameters']:,} parameters): choose **Mine** in the **{WHERE_TO_USE[family]}** tab.")

    with gr.Tab("Train", id="train"):
        gr.Markdown("Train a model of your own in a few seconds to a few minutes. It is yours alone: choose "
                    "**Mine** in the other tabs to use it. Runs have a time limit, and one run per person runs "
                    "at a time; when the trainers are busy, your run waits in line.")
        first = "cnn"
        architecture = gr.Radio([(RECIPES[n].title, n) for n in RECIPES], value=first, label="Model to train")
        with gr.Row():
            knobs = [knob_slider(key, RECIPES[first]) for key in KNOBS]
        with gr.Group(visible=False) as text_group:
            text_source = gr.Radio([SHAKESPEARE, MY_TEXT], value=SHAKESPEARE, label="Text to learn from")
            with gr.Row():
                text = gr.Textbox(lines=5, max_length=MAX_TRAINING_TEXT, label="Paste your text (UTF-8)")
                text_file = FileInput(label="...or upload a .txt file", file_types=[".txt"], type="filepath")
        with gr.Row():
            train_button = gr.Button("Train", variant="primary")
            stop_button = gr.Button("Stop", variant="stop")
        stop_note = gr.Markdown()
        status = gr.HTML("<p>Press Train to start.</p>")
        with gr.Row():
            loss_plot = gr.LinePlot(x="step", y="value", color="series", title="Training loss (running mean)",
                                    height=260)
            metric_plot = gr.LinePlot(x="step", y="value", color="series", title="Held-out metric", height=260)
        with gr.Row():
            preview_image = Picture(label="Live preview", interactive=False, format="png", height=300,
                                     elem_classes=["pixelated"])
            preview_text = gr.Textbox(label="Generated text (live)", lines=10, interactive=False, visible=False)
            with gr.Column():
                result = gr.Markdown()
                files = gr.File(label="Download your model (.safetensors + .json)", file_count="multiple",
                                interactive=False)
        with gr.Accordion("Upload a checkpoint", open=False):
            uploaded = FileInput(label="The .safetensors and .json of one model", file_count="multiple",
                                 file_types=[".safetensors", ".json"], type="filepath")
            upload_button = gr.Button("Load as my model")
            upload_note = gr.Markdown()

        architecture.change(switch, architecture, [*knobs, text_group, preview_image, preview_text],
                            api_visibility="private", queue=False)
        train_button.click(train, [architecture, *knobs, text_source, text, text_file],
                           [status, loss_plot, metric_plot, preview_image, preview_text, result, files],
                           api_name="train", concurrency_limit=64, concurrency_id="training",
                           show_progress="hidden")
        stop_button.click(stop, None, stop_note, api_name="stop_training", queue=False)
        upload_button.click(upload, uploaded, upload_note, api_name="upload_checkpoint")
