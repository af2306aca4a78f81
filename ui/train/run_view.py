"""How a training run looks in the Train tab, alone or as one of a comparison's two: its progress
line, its curves as long-form tables for the plots, its newest preview and its results."""
import html
import time
from typing import Any, Callable, Iterator

import gradio as gr
import pandas as pd

from genlab.families import family_of
from genlab.serve.runs.line import Runs
from genlab.serve.runs.run import Part, Run, RunState

POLL_SECONDS = 0.25


def run_plots(loss_title: str, measured_title: str, name: str) -> tuple[gr.LinePlot, gr.LinePlot]:
    """The two plots a run is watched on, side by side: its running losses, and what it measures as it
    learns (the axis titled for architecture `name`)."""
    with gr.Row():
        losses = gr.LinePlot(x="step", y="value", color="curve", title=loss_title, x_title="training step",
                             y_title="loss", color_title="", height=260)
        measured = gr.LinePlot(x="step", y="value", color="curve", title=measured_title, x_title="training step",
                               y_title=measured_axis(name), color_title="", height=260)
    return losses, measured


def watch(runs: Runs, run: Run, view: Callable[[Run, int], Any]) -> Iterator[Any]:
    """The run's view each time it changes (its place in line, each part's state and events), to the
    end: what a Train handler streams."""
    shown = None
    while True:
        ended = not run.active  # read first: the last view must show the run as it ended
        position = runs.position(run)
        snapshot = (position, *((part.state, len(part.events)) for part in run.parts))
        if snapshot != shown:
            shown = snapshot
            yield view(run, position)
        if ended:
            return
        time.sleep(POLL_SECONDS)


def notice_html(run: Run) -> str:
    """How the run trains when that is not as asked (no GPU was lent), or ""."""
    notice = next((part.notice for part in run.parts if part.notice), "")
    return f"<p>⚠ {html.escape(notice)}</p>" if notice else ""


def progress_html(run: Run, position: int) -> str:
    """A plain run's progress bar with steps, time and time left, or its place in line, or how it
    ended; first, how it trains when that is not as asked."""
    return notice_html(run) + progress_line(run, run.parts[0], position)


def progress_line(run: Run, part: Part, position: int) -> str:
    """A part's progress bar and its words, the run's place in line, or how the part ended; its bar
    is full once the whole run has ended."""
    if part.state == RunState.WAITING:
        ahead = position - 1
        return (f"<p>⏳ Waiting for a free trainer: {ahead} run{'s' if ahead != 1 else ''} ahead of yours. "
                "It starts by itself; Stop leaves the line.</p>")
    if part.state == RunState.FAILED:
        return f"<p>❌ The run failed: {html.escape(part.error)}</p>"
    last = part.events[-1] if part.events else None
    if last is None:
        if part.state == RunState.STOPPED:
            return "<p>Stopped: the run left the line before it started.</p>"
        return "<p>Starting: loading the data and building the model…</p>"
    cap = getattr(part.settings, "max_seconds", None)
    left = min(last.seconds_left, cap - last.elapsed if cap else float("inf"))
    fraction = max(last.fraction, min(1.0, last.elapsed / cap) if cap else 0.0)
    if part.state == RunState.FINISHED:
        words = f"✅ Finished: {last.step} steps in {last.elapsed:.0f} s."
    elif part.state == RunState.STOPPED and part.stopped_because:
        words = f"⚠ Stopped at step {last.step}: {part.stopped_because}"
    elif part.state == RunState.STOPPED:
        words = f"⏹ Stopped at step {last.step} after {last.elapsed:.0f} s; the model keeps what it learned."
    elif part.state == RunState.STOPPING:
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


def curves(run: Run, part: Part) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long-form tables for a part's two plots: the running losses; and the measured figures, the
    headline metrics on held-out data with any running accuracy (a share, which has no place on a
    loss's axis).

    The measured table stays empty until the part has measured held-out data once (or the whole run
    has ended): a plot fixes its legend's colours when first drawn, so drawn with the running accuracy
    alone it would never show the held-out curve that comes later, the next part's included."""
    headline = {metric.key: metric.label.strip() for metric in family_of(part.name).headline}
    losses = [(e.step, series(k), v) for e in part.events for k, v in e.losses.items() if "accuracy" not in k]
    held_out = [(e.step, headline[k], v) for e in part.events for k, v in e.metrics.items()
                if isinstance(v, float) and k in headline and not e.done]
    measured = [(e.step, series(k), v) for e in part.events for k, v in e.losses.items() if "accuracy" in k]
    measured = measured + held_out if held_out or not run.active else []
    columns = ["step", "curve", "value"]
    return pd.DataFrame(losses, columns=columns), pd.DataFrame(measured, columns=columns)


def result_markdown(part: Part) -> str:
    """What a part's model measured on held-out data, and where to use it."""
    if part.checkpoint is None:
        return ""
    metrics = part.checkpoint.meta["metrics"]
    family = family_of(part.name)
    rows = [f"| {m.label.strip()} | {m.show(metrics[m.key])} |" for m in family.headline if m.key in metrics]
    table = "\n".join(["| Measured on held-out data | Result |", "|---|---|", *rows]) if rows else ""
    where = f"choose **Mine** in the **{family.tab}** tab, or download it below."
    if not part.checkpoint.meta["training"].get("steps"):
        return (f"{table}\n\nYour {family.title} was stopped before its first training step, so it "
                f"is untrained (it answers at chance). It is still yours to look at: {where}")
    return f"{table}\n\nYour {family.title} is ready: {where}"


def latest_preview(part: Part):
    """A part's newest image preview and newest text preview, each None when there is none."""
    image = next((e.preview for e in reversed(part.events) if e.preview is not None and not isinstance(e.preview, str)),
                 None)
    text = next((e.preview for e in reversed(part.events) if isinstance(e.preview, str)), None)
    return image, text
