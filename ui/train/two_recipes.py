"""The Train tab's comparison: two recipes of the chosen model, trained one after the other with the
same seed and time limit, shown side by side (curves on shared axes, final pictures, digit
histograms, one table of results). The handler, then the layout, then the wiring;
genlab.families.two_recipes does the work, and the lab's runs train the two as one run of two parts."""
import gradio as gr
import pandas as pd

from genlab.families import ARCHITECTURES, family_of
from genlab.families.two_recipes import (MAX_CHANGES_TEXT, SHARED, budget_note, comparison_rows, parse_changes,
                                         recipes, table)
from genlab.serve.lab import Lab
from genlab.serve.runs.run import Run, RunState
from ui.common import answers, user_of
from ui.gradio_internals import Picture
from ui.train.run_view import curves, latest_preview, measured_axis, notice_html, progress_line, run_plots, watch

LABELS = ("A", "B")


def knobs_info(name: str) -> str:
    readable = [key for key in ARCHITECTURES[name].recipe.knobs if key not in SHARED]
    return "knob=value, ...; this model's knobs: " + ", ".join(readable)


def both_curves(run: Run) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Each plot's table with both recipes' curves, named "A: loss", "B: loss": one pair of axes.
    Every curve either recipe has is named for both from the first row (a row without a value where
    one has none yet): the plot fixes its legend's colours at its first drawing."""
    plots = []
    for frames in zip(*(curves(run, part) for part in run.parts)):
        named = [frame.assign(curve=label + ": " + frame["curve"]) for label, frame in zip(LABELS, frames)]
        rows = pd.concat([frame for frame in named if not frame.empty] or [named[0]], ignore_index=True)
        if rows.empty:
            plots.append(None)
            continue
        names = {name.split(": ", 1)[1] for name in rows["curve"]}
        missing = [(rows["step"].min(), f"{label}: {name}", float("nan"))
                   for label in LABELS for name in sorted(names) if f"{label}: {name}" not in set(rows["curve"])]
        rows = pd.concat([rows, pd.DataFrame(missing, columns=rows.columns)], ignore_index=True)
        plots.append(rows.astype({"step": "int64", "value": "float64"}))
    return plots[0], plots[1]


def histograms(run: Run) -> pd.DataFrame | None:
    """Digit shares of each recipe's samples as the CNN reads them, bars of A and B side by side,
    once both have them (the plot fixes its colours at its first drawing)."""
    shares = [part.checkpoint.meta["metrics"].get("class_histogram") if part.checkpoint else None
              for part in run.parts]
    if not all(shares):
        return None
    rows = [(f"{digit} {label}", label, share) for label, each in zip(LABELS, shares) for digit, share in enumerate(each)]
    return pd.DataFrame(rows, columns=["digit", "recipe", "share"])


def results(run: Run, changes_a: dict, changes_b: dict) -> str:
    """The table of both recipes' results once both have a model; "" until then."""
    if run.active or any(part.checkpoint is None for part in run.parts):
        return ""
    made = [part.checkpoint for part in run.parts]
    return (table(comparison_rows(*made), changes_a, changes_b) + "\n\n" + budget_note(*made)).strip()


def status_html(run: Run, position: int) -> str:
    """Each recipe's progress, one under the other; a recipe that waits for the one before says so."""
    lines = []
    for index, (label, part) in enumerate(zip(LABELS, run.parts)):
        if index > 0 and part.state == RunState.WAITING:
            words = "<p>Waits for recipe A, then trains in the same slot.</p>"
        else:
            words = progress_line(run, part, position)
        lines.append(f"<div><b>Recipe {label}</b>{words}</div>")
    return notice_html(run) + "".join(lines)


class Comparison:
    """The comparison's handler, which starts the visitor's run of two parts in the lab."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab

    def compare(self, name: str, text_a: str | None, text_b: str | None, request: gr.Request, **knobs: float):
        """Train two recipes of one model one after the other, with the same seed and time limit: the
        knob values with recipe A's changes, then with recipe B's (text like "d_steps=2, ema=0");
        streams both. They count as your one run; knobs the model does not read are ignored."""
        if name not in ARCHITECTURES:
            raise gr.Error(f"Unknown architecture {name!r}; choose one of {sorted(ARCHITECTURES)}.")
        changes_a, changes_b = parse_changes(text_a or "", name), parse_changes(text_b or "", name)
        run = self.lab.runs.start(user_of(request), name, recipes(name, knobs, changes_a, changes_b))
        yield from watch(self.lab.runs, run, lambda run, position: view(run, position, changes_a, changes_b))


def view(run: Run, position: int, changes_a: dict, changes_b: dict):
    """Both recipes as the comparison shows them: progress, shared curves, pictures or texts, digit
    histograms and the table of results."""
    losses, measured = both_curves(run)
    previews = [latest_preview(part) for part in run.parts]
    return (status_html(run, position), losses, measured, previews[0][0], previews[1][0],
            previews[0][1], previews[1][1], histograms(run), results(run, changes_a, changes_b))


EXAMPLES = {  # a question each family's comparison can answer, as recipe A's and recipe B's changes
    "gan": ("d_steps=1", "d_steps=2"), "vae": ("beta=1", "beta=4"), "textvae": ("beta=1", "beta=0.25"),
}


def examples(name: str) -> tuple[str, str]:
    """The boxes' placeholders: changes this architecture has (a VAE has no d_steps); a larger learning
    rate for the families without a knob of their own."""
    a, b = EXAMPLES.get(family_of(name).name, ("lr=0.001", "lr=0.004"))
    return f"for example {a}", f"for example {b}"


def switch(name: str):
    """The comparison redrawn for another architecture: its knobs' hint and examples, its axis,
    pictures or texts, and the digit histogram for the models that draw digits (GANs)."""
    is_text = family_of(name).learns_from_text
    return ([gr.Textbox(info=knobs_info(name), placeholder=example) for example in examples(name)]
            + [gr.LinePlot(y_title=measured_axis(name))] + [gr.Image(visible=not is_text)] * 2
            + [gr.Textbox(visible=is_text)] * 2 + [gr.BarPlot(visible=family_of(name).name == "gan")])


def build(lab: Lab, architecture: gr.Radio, knobs: dict[str, gr.Slider]) -> None:
    """The comparison below the Train tab's main panel, reading its architecture and knob sliders."""
    handlers = Comparison(lab)
    with gr.Accordion("Compare two recipes", open=False, elem_id="compare"):
        gr.Markdown("Train two recipes of the model chosen above one after the other, with the same seed and "
                    "time limit, and see them side by side. Recipe A is the knobs above; each recipe may change "
                    "some of them (say `d_steps=2` for a GAN). The two are your one run (**Stop** above ends both); recipe "
                    "B's model becomes **Mine**.")
        first = architecture.value
        example_a, example_b = examples(first)
        with gr.Row():
            text_a = gr.Textbox(label="Recipe A changes (optional)", placeholder=example_a,
                                info=knobs_info(first), max_length=MAX_CHANGES_TEXT)
            text_b = gr.Textbox(label="Recipe B changes", placeholder=example_b,
                                info=knobs_info(first), max_length=MAX_CHANGES_TEXT)
        compare_button = gr.Button("Compare", variant="primary")
        status = gr.HTML("<p>Press Compare to train both.</p>")
        loss_plot, metric_plot = run_plots("Training loss, A and B", "Measured as they learn, A and B", first)
        with gr.Row():
            is_text = family_of(first).learns_from_text
            pictures = [Picture(label=f"Recipe {label}", interactive=False, format="png", height=260, buttons=[],
                                elem_classes=["pixelated", "captioned"], visible=not is_text,
                                elem_id=f"compare-{label.lower()}") for label in LABELS]
            texts = [gr.Textbox(label=f"Recipe {label}: generated text", lines=8, interactive=False,
                                visible=is_text) for label in LABELS]
        with gr.Row():
            histogram = gr.BarPlot(x="digit", y="share", color="recipe", sort="x", title="Digits as the CNN "
                                   "reads each recipe's samples", x_title="digit and recipe", y_title="share",
                                   color_title="", height=260, visible=family_of(first).name == "gan",
                                   elem_id="compare-histogram")
            results_table = gr.Markdown(elem_id="compare-results")

        architecture.change(answers(switch), architecture,
                            [text_a, text_b, metric_plot, *pictures, *texts, histogram], api_visibility="private",
                            queue=False)
        compare_button.click(answers(handlers.compare), inputs_kwargs={"name": architecture, **knobs,
                                                                       "text_a": text_a, "text_b": text_b},
                             outputs=[status, loss_plot, metric_plot, *pictures, *texts, histogram, results_table],
                             api_name="compare", concurrency_limit=64, concurrency_id="training",
                             show_progress="hidden")
