"""Train tab: pick a model, set a few knobs, press Train and watch it learn; Stop keeps what it has
learned. The result is the user's own model ("Mine" in the other tabs), with a download; a
checkpoint can be uploaded back. Handlers first, then the layout, then the wiring; the knobs travel
by name (their sliders keyed by KNOBS), so their order is written once, in KNOBS."""
import json
import math
from pathlib import Path

import gradio as gr

from genlab.core.corpus import MAX_TRAINING_TEXT
from genlab.families import ARCHITECTURES, family_of
from genlab.families.recipes import KNOBS, Recipe
from genlab.families.training import visitor_text
from genlab.inference.anatomy import planned
from genlab.serve.lab import MINE, Lab
from genlab.serve.runs.run import Run
from ui.common import CHEAP, answers, user_of
from ui.gradio_internals import FileInput, NumberSlider, Picture, PlotData, blocks_of, cached_file, plot_rows
from ui.site import page_model
from ui.train import generated_digits
from ui.train import two_recipes as compare
from ui.train.run_view import curves, latest_preview, measured_axis, progress_html, result_markdown, run_plots, watch
from ui.whats_happening import TRAIN_INTRO, drawn, panel, train_words

SHAKESPEARE = "tiny-shakespeare"
MY_TEXT = "my text"
FIRST = "cnn"  # the architecture the tab opens on
TRAINING_KNOBS = 7  # the first KNOBS, on the first row; the GANs' tuning knobs and depth go on the next


class Training:
    """The Train tab's handlers that need the lab: they start and stop the visitor's run and load the
    checkpoint they upload."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab

    def train(self, architecture: str, text_source: str, text: str, text_file: str | None, request: gr.Request,
              **knobs: float):
        """Train a model of your own, streaming progress; knobs an architecture does not use are ignored
        (d_steps to ema only tune the GANs, depth only the DCGANs)."""
        if architecture not in ARCHITECTURES:
            raise gr.Error(f"Unknown architecture {architecture!r}; choose one of {sorted(ARCHITECTURES)}.")
        family = family_of(architecture)
        config, settings = family.build(ARCHITECTURES[architecture], knobs)
        mine = None
        if family.learns_from_text and text_source == MY_TEXT:
            mine = visitor_text(family, text, Path(text_file).read_bytes() if text_file else None)
        run = self.lab.runs.start(user_of(request), architecture, [(config, settings)], mine)
        yield from watch(self.lab.runs, run, view)

    def page_model(self, architecture: str, request: gr.Request, cache: Path) -> str:
        """Your model of this architecture's family as one file the static site opens (ui/site.py's page_model),
        so you can play with it anywhere: a path in `cache`."""
        family = family_of(architecture).name
        self.lab.checkpoint(MINE, family, user_of(request))  # says so if there is none yet
        bundle = page_model(blocks_of(request), family, request)
        return cached_file(json.dumps(bundle).encode(), f"mine-{family}.genlab.json", cache)

    def stop(self, request: gr.Request) -> str:
        """Stop your training run; the model keeps what it learned so far."""
        run = self.lab.runs.stop(user_of(request))
        if run is None:
            return "There is no training run to stop."
        return "Stopping…" if run.active else "The run has ended."

    def upload(self, files: list[str] | None, request: gr.Request) -> str:
        """Load a checkpoint you downloaded earlier (its .safetensors and .json) as your own model."""
        if not files:
            raise gr.Error("Choose the two files of a checkpoint: the .safetensors and the .json.")
        checkpoint = self.lab.upload(user_of(request), {Path(p).name: Path(p).read_bytes() for p in files})
        family = family_of(checkpoint.meta["arch"])
        return (f"Loaded your {family.title} ({checkpoint.meta['arch']}, "
                f"{checkpoint.meta['parameters']:,} parameters): choose **Mine** in the **{family.tab}** tab.")


def view(run: Run, position: int):
    """A plain run as the tab shows it: progress, curves, newest preview, results and the files."""
    part = run.parts[0]
    # No table until there are rows: an empty one fixes the plot's scales, and later lines stay invisible.
    losses, measured = (None if table.empty else table for table in curves(run, part))
    image, text = latest_preview(part)
    files = [str(p) for p in (part.path.with_suffix(".safetensors"), part.path.with_suffix(".json"))] \
        if part.checkpoint is not None else None
    return progress_html(run, position), losses, measured, image, text, result_markdown(part), files


def anatomy(architecture: str, **knobs: float) -> tuple[str, str]:
    """What's happening, for the network these knobs build: its diagram and its family's objective."""
    family, recipe = family_of(architecture), ARCHITECTURES[architecture].recipe
    usable = {key: value for key, value in knobs.items()  # a slider not yet reset to this recipe keeps its default
              if key in recipe.knobs and isinstance(value, (int, float)) and recipe.knobs[key].low <= value <= recipe.knobs[key].high}
    config, _ = family.build(ARCHITECTURES[architecture], recipe.defaults() | usable)
    return drawn(planned(architecture, config)), train_words(family.name, {})


def latest_terms(architecture: str, plot: PlotData | dict | None) -> str:
    """The objective with the last value of each curve of the run's loss plot."""
    latest = {row["curve"]: row["value"] for row in plot_rows(plot)
              if isinstance(row.get("value"), (int, float)) and math.isfinite(row["value"])}
    return train_words(family_of(architecture).name, latest)


def switch(name: str):
    """The tab redrawn for another architecture: its knobs, its text choice and its plots' titles."""
    is_text = family_of(name).learns_from_text
    return [*knob_updates(name), gr.Group(visible=is_text), gr.LinePlot(y_title=measured_axis(name)),
            gr.Image(visible=not is_text, label=family_of(name).preview), gr.Textbox(visible=is_text)]


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
                                     label=knob.label, info=knob.info or None, visible=True))
    return updates


def knob_slider(key: str, recipe: Recipe) -> gr.Slider:
    """A slider showing this recipe's range, whose server-side limits span every recipe's range for
    the knob (the recipe checks its own range when a run starts)."""
    every = [a.recipe.knobs[key] for a in ARCHITECTURES.values() if key in a.recipe.knobs]
    knob = recipe.knobs.get(key, every[0])
    slider = NumberSlider(knob.low, knob.high, value=knob.default, step=knob.step, label=knob.label,
                          info=knob.info or None, visible=key in recipe.knobs)
    slider.limits = (min(k.low for k in every), max(k.high for k in every))
    return slider


def knob_sliders(recipe: Recipe) -> dict[str, gr.Slider]:
    """A slider for every knob, keyed by its name in KNOBS' order: what handlers receive by name."""
    with gr.Row():
        sliders = {key: knob_slider(key, recipe) for key in KNOBS[:TRAINING_KNOBS]}
    with gr.Row():  # the GAN tuning knobs and the DCGANs' depth, shown for the GANs
        sliders |= {key: knob_slider(key, recipe) for key in KNOBS[TRAINING_KNOBS:]}
    return sliders


def build(lab: Lab) -> None:
    handlers = Training(lab)
    with gr.Tab("Train", id="train"):
        gr.Markdown("Train a model of your own in a few seconds to a few minutes. It is yours alone: choose "
                    "**Mine** in the other tabs to use it. Runs have a time limit, and one run per person runs "
                    "at a time; when the trainers are busy, your run waits in line.")
        architecture = gr.Radio([(a.title, a.name) for a in ARCHITECTURES.values()], value=FIRST,
                                label="Model to train")
        knobs = knob_sliders(ARCHITECTURES[FIRST].recipe)
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
        loss_plot, metric_plot = run_plots("Training loss (running mean)", "Measured as it learns", FIRST)
        with gr.Row():
            preview_image = Picture(label=family_of(FIRST).preview, interactive=False, format="png", height=300,
                                    buttons=[], elem_classes=["pixelated", "captioned"])
            preview_text = gr.Textbox(label="Generated text (live)", lines=10, interactive=False, visible=False)
            with gr.Column():
                result = gr.Markdown()
                files = gr.File(label="Download your model (.safetensors + .json)", file_count="multiple",
                                interactive=False, elem_id="model-files")
                for_the_site = gr.Button("For the static site", size="sm")
                site_file = gr.File(label="Your model for the static site (open it in its Train tab)",
                                    interactive=False, elem_id="page-model-file")
        first = family_of(FIRST)
        diagram, live, _ = panel(TRAIN_INTRO, planned(FIRST, first.build(ARCHITECTURES[FIRST],
                                                                     ARCHITECTURES[FIRST].recipe.defaults())[0]),
                              train_words(first.name, {}))
        compare.build(lab, architecture, knobs)
        generated_digits.build(lab)
        with gr.Accordion("Upload a checkpoint", open=False):
            uploaded = FileInput(label="The .safetensors and .json of one model", file_count="multiple",
                                 file_types=[".safetensors", ".json"], type="filepath")
            upload_button = gr.Button("Load as my model")
            upload_note = gr.Markdown()

        architecture.change(answers(switch), architecture, [*knobs.values(), text_group, metric_plot,
                                                            preview_image, preview_text],
                            api_visibility="private", queue=False)
        train_button.click(answers(handlers.train), inputs_kwargs={"architecture": architecture, **knobs,
                                                                   "text_source": text_source, "text": text,
                                                                   "text_file": text_file},
                           outputs=[status, loss_plot, metric_plot, preview_image, preview_text, result, files],
                           api_name="train", concurrency_limit=64, concurrency_id="training",
                           show_progress="hidden")
        for trigger in (architecture.change, *(knob.release for knob in knobs.values())):
            trigger(answers(anatomy), inputs_kwargs={"architecture": architecture, **knobs}, outputs=[diagram, live],
                    api_visibility="private", trigger_mode="always_last", show_progress="hidden", **CHEAP)
        loss_plot.change(latest_terms, [architecture, loss_plot], live, api_visibility="private", queue=False,
                         show_progress="hidden")
        stop_button.click(answers(handlers.stop), None, stop_note, api_name="stop_training", queue=False)

        def page_model_file(architecture: str, request: gr.Request) -> str:
            return handlers.page_model(architecture, request, Path(site_file.GRADIO_CACHE))

        for_the_site.click(answers(page_model_file), architecture, site_file, api_visibility="private", **CHEAP)
        upload_button.click(answers(handlers.upload), uploaded, upload_note, api_name="upload_checkpoint")
