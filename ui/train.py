"""Train tab: pick a model, set a few knobs, press Train and watch it learn; Stop keeps what it has
learned. The result is the user's own model ("Mine" in the other tabs), with a download; a
checkpoint can be uploaded back."""
import html
import time
from pathlib import Path

import gradio as gr
import pandas as pd

from genlab.families import ARCHITECTURES, family_of
from genlab.live import Run, Runs, RunState
from genlab.recipes import KNOBS, Recipe
from genlab.text import MAX_TRAINING_TEXT
from genlab.training import visitor_text
from ui.common import answers, user_of
from ui.gradio_internals import FileInput, NumberSlider, Picture

SHAKESPEARE = "tiny-shakespeare"
MY_TEXT = "my text"
POLL_SECONDS = 0.25


def knob_updates(name: str) -> list:
    """Every knob slider relabelled, re-ranged and reset for this architecture; unused ones hidden."""
    recipe = ARCHITECTURES[name].recipe
    updates = []
    for key in KNOBS:
        knob = recipe.knobs.get(key)
        if knob is None:
            updates.append(gr.Slider(visible=False))
        else:
            updates.append(gr.Slider(minimum=knob.low, maximum=knob.high, value=knob.default, step=knob.step,
                                     label=knob.label, visible=True))
    return updates


def knob_slider(key: str, recipe: Recipe) -> gr.Slider:
    """A slider showing this recipe's range, whose server-side limits span every recipe's range for
    the knob (the recipe checks its own range when a run starts)."""
    every = [a.recipe.knobs[key] for a in ARCHITECTURES.values() if key in a.recipe.knobs]
    knob = recipe.knobs.get(key, every[0])
    slider = NumberSlider(knob.low, knob.high, value=knob.default, step=knob.step, label=knob.label,
                          visible=key in recipe.knobs)
    slider.limits = (min(k.low for k in every), max(k.high for k in every))
    return slider


def progress_html(run: Run, position: int) -> str:
    """A progress bar with steps, time and time left, or the place in line, or how the run ended;
    first, how the run trains when that is not as asked (no GPU was lent)."""
    notice = f"<p>⚠ {html.escape(run.notice)}</p>" if run.notice else ""
    return notice + progress_line(run, position)


def progress_line(run: Run, position: int) -> str:
    """The progress bar and its words, the place in line, or how the run ended."""
    if run.state == RunState.WAITING:
        ahead = position - 1
        return (f"<p>⏳ Waiting for a free trainer: {ahead} run{'s' if ahead != 1 else ''} ahead of yours. "
                "It starts by itself; Stop leaves the line.</p>")
    if run.state == RunState.FAILED:
        return f"<p>❌ The run failed: {html.escape(run.error)}</p>"
    last = run.events[-1] if run.events else None
    if last is None:
        if run.state == RunState.STOPPED:
            return "<p>Stopped: the run left the line before it started.</p>"
        return "<p>Starting: loading the data and building the model…</p>"
    cap = getattr(run.settings, "max_seconds", None)
    left = min(last.seconds_left, cap - last.elapsed if cap else float("inf"))
    fraction = max(last.fraction, min(1.0, last.elapsed / cap) if cap else 0.0)
    if run.state == RunState.FINISHED:
        words = f"✅ Finished: {last.step} steps in {last.elapsed:.0f} s."
    elif run.state == RunState.STOPPED and run.stopped_because:
        words = f"⚠ Stopped at step {last.step}: {run.stopped_because}"
    elif run.state == RunState.STOPPED:
        words = f"⏹ Stopped at step {last.step} after {last.elapsed:.0f} s; the model keeps what it learned."
    elif run.state == RunState.STOPPING:
        words = f"Stopping after step {last.step}: measuring the model on held-out data…"
    else:
        when = f"about {left:.0f} s left" if left != float("inf") else "estimating time left"
        words = f"Step {last.step} of {last.total_steps}, epoch {last.epoch:.2f}, {last.elapsed:.0f} s, {when}."
    done = 1.0 if not run.active else fraction
    return (f'<progress value="{done:.3f}" max="1" style="width:100%;height:18px"></progress>'
            f"<p>{html.escape(words)}</p>")


def series(key: str) -> str:
    """A running figure's name as a legend shows it: "train_accuracy" -> "train accuracy"."""
    return key.replace("_", " ")


def measured_axis(name: str) -> str:
    """The title of the measured plot's axis for an architecture: "accuracy" when that is all it shows,
    else a reminder that the legend names each curve (their labels are too long for an axis)."""
    labels = [metric.label.lower() for metric in family_of(name).headline]
    return "accuracy" if all("accuracy" in label for label in labels) else "held-out figures (see legend)"


def curves(run: Run) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long-form tables for the two plots: the running losses; and the measured figures, the headline
    metrics on held-out data with any running accuracy (a share, which has no place on a loss's axis)."""
    headline = {metric.key: metric.label.strip() for metric in family_of(run.name).headline}
    losses = [(e.step, series(k), v) for e in run.events for k, v in e.losses.items() if "accuracy" not in k]
    measured = [(e.step, series(k), v) for e in run.events for k, v in e.losses.items() if "accuracy" in k]
    measured += [(e.step, headline[k], v) for e in run.events for k, v in e.metrics.items()
                 if isinstance(v, float) and k in headline and not e.done]
    columns = ["step", "curve", "value"]
    return pd.DataFrame(losses, columns=columns), pd.DataFrame(measured, columns=columns)


def result_markdown(run: Run) -> str:
    if run.checkpoint is None:
        return ""
    metrics = run.checkpoint.meta["metrics"]
    family = family_of(run.name)
    rows = [f"| {m.label.strip()} | {m.show(metrics[m.key])} |" for m in family.headline if m.key in metrics]
    table = "\n".join(["| Measured on held-out data | Result |", "|---|---|", *rows]) if rows else ""
    where = f"choose **Mine** in the **{family.tab}** tab, or download it below."
    if not run.checkpoint.meta["training"].get("steps"):
        return (f"{table}\n\nYour {family.title} was stopped before its first training step, so it "
                f"is untrained (it answers at chance). It is still yours to look at: {where}")
    return f"{table}\n\nYour {family.title} is ready: {where}"


def latest_preview(run: Run):
    """The newest image preview and the newest text preview, each None when there is none."""
    image = next((e.preview for e in reversed(run.events) if e.preview is not None and not isinstance(e.preview, str)),
                 None)
    text = next((e.preview for e in reversed(run.events) if isinstance(e.preview, str)), None)
    return image, text


def build(runs: Runs) -> None:
    def train(architecture: str, epochs: float, lr: float, batch_size: float, width: float, latent: float,
              beta: float, max_seconds: float, text_source: str, text: str, text_file: str | None,
              request: gr.Request):
        """Train a model of your own, streaming progress; knobs an architecture does not use are ignored."""
        if architecture not in ARCHITECTURES:
            raise gr.Error(f"Unknown architecture {architecture!r}; choose one of {sorted(ARCHITECTURES)}.")
        family, user = family_of(architecture), user_of(request)
        values = dict(zip(KNOBS, (epochs, lr, batch_size, width, latent, beta, max_seconds)))
        config, settings = family.build(ARCHITECTURES[architecture], values)
        mine = None
        if family.learns_from_text and text_source == MY_TEXT:
            mine = visitor_text(family, text, Path(text_file).read_bytes() if text_file else None)
        run = runs.start(user, architecture, config, settings, mine)
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
        losses, measured = (None if table.empty else table for table in curves(run))
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
        is_text = family_of(name).learns_from_text
        return [*knob_updates(name), gr.Group(visible=is_text), gr.LinePlot(y_title=measured_axis(name)),
                gr.Image(visible=not is_text, label=family_of(name).preview), gr.Textbox(visible=is_text)]

    def upload(files: list[str] | None, request: gr.Request) -> str:
        """Load a checkpoint you downloaded earlier (its .safetensors and .json) as your own model."""
        if not files:
            raise gr.Error("Choose the two files of a checkpoint: the .safetensors and the .json.")
        checkpoint = runs.shelf.add_upload(user_of(request), {Path(p).name: Path(p).read_bytes() for p in files})
        family = family_of(checkpoint.meta["arch"])
        return (f"Loaded your {family.title} ({checkpoint.meta['arch']}, "
                f"{checkpoint.meta['parameters']:,} parameters): choose **Mine** in the **{family.tab}** tab.")

    with gr.Tab("Train", id="train"):
        gr.Markdown("Train a model of your own in a few seconds to a few minutes. It is yours alone: choose "
                    "**Mine** in the other tabs to use it. Runs have a time limit, and one run per person runs "
                    "at a time; when the trainers are busy, your run waits in line.")
        first = "cnn"
        architecture = gr.Radio([(a.title, a.name) for a in ARCHITECTURES.values()], value=first,
                                label="Model to train")
        with gr.Row():
            knobs = [knob_slider(key, ARCHITECTURES[first].recipe) for key in KNOBS]
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
            loss_plot = gr.LinePlot(x="step", y="value", color="curve", title="Training loss (running mean)",
                                    x_title="training step", y_title="loss", color_title="", height=260)
            metric_plot = gr.LinePlot(x="step", y="value", color="curve", title="Measured as it learns",
                                      x_title="training step", y_title=measured_axis(first), color_title="",
                                      height=260)
        with gr.Row():
            preview_image = Picture(label=family_of(first).preview, interactive=False, format="png", height=300,
                                    buttons=[], elem_classes=["pixelated", "captioned"])
            preview_text = gr.Textbox(label="Generated text (live)", lines=10, interactive=False, visible=False)
            with gr.Column():
                result = gr.Markdown()
                files = gr.File(label="Download your model (.safetensors + .json)", file_count="multiple",
                                interactive=False, elem_id="model-files")
        with gr.Accordion("Upload a checkpoint", open=False):
            uploaded = FileInput(label="The .safetensors and .json of one model", file_count="multiple",
                                 file_types=[".safetensors", ".json"], type="filepath")
            upload_button = gr.Button("Load as my model")
            upload_note = gr.Markdown()

        architecture.change(answers(switch), architecture, [*knobs, text_group, metric_plot, preview_image,
                                                            preview_text],
                            api_visibility="private", queue=False)
        train_button.click(answers(train), [architecture, *knobs, text_source, text, text_file],
                           [status, loss_plot, metric_plot, preview_image, preview_text, result, files],
                           api_name="train", concurrency_limit=64, concurrency_id="training",
                           show_progress="hidden")
        stop_button.click(answers(stop), None, stop_note, api_name="stop_training", queue=False)
        upload_button.click(answers(upload), uploaded, upload_note, api_name="upload_checkpoint")
