"""GAN sampler tab: grids of samples by seed, truncation, seed-to-seed interpolation and, for the
conditional GAN, a chosen digit or the same noise drawn as every digit; and one sample walked live
toward another seed, drawn by the page itself (ui/web/gan_walk.js). genlab.inference.sampler does the work."""
import json

import gradio as gr

from genlab.core.seeds import MAX_SEED, new_seed
from genlab.inference import sampler
from genlab.serve.lab import MINE, Lab
from genlab.serve.web_models import WEB_MODELS
from ui.common import CHEAP, answers, choose_model, model_choices, runs_a_model, user_of
from ui.gradio_internals import NumberSlider, Picture, WholeNumber
from ui.web import live_component

TITLES = {"cdcgan": "Conditional DCGAN", "dcgan": "DCGAN", "mlpgan": "MLP GAN"}  # the best first: the tab opens on it
WALK_ID, WALK_TRUNCATION_ID = "genlab-gan-walk", "genlab-gan-walk-truncation"
PICTURE_ID, READING_ID = "genlab-gan-walk-picture", "genlab-gan-walk-reading"


def walk_reading(read: str) -> str:
    return f"The CNN reads this as **{read}**." if read else ""


def build(lab: Lab) -> None:
    choices = model_choices(lab, TITLES)
    reader = lab.judge("cnn")

    def gan(model: str, request: gr.Request | None):
        return lab.checkpoint(model, "gan", user_of(request)).model

    def sample(model: str, seed: float, count: float, truncation: float, digit: str, request: gr.Request):
        """A grid of `count` samples from the noise of this seed, shrunk by `truncation`; the conditional
        GAN draws `digit` ('any': every digit in turn)."""
        samples = sampler.sample(gan(model, request), reader, seed, count, truncation, digit)
        return samples.grid, samples.summary

    def new_seed_sample(model: str, count: float, truncation: float, digit: str, request: gr.Request):
        seed = new_seed()
        return seed, *sample(model, seed, count, truncation, digit, request)

    def every_digit(model: str, seed: float, rows: float, truncation: float, request: gr.Request):
        """One row per noise vector, one column per digit (the conditional GAN only)."""
        samples = sampler.every_digit(gan(model, request), reader, seed, rows, truncation)
        return samples.grid, samples.summary

    def interpolate(model: str, seed_a: float, seed_b: float, frames: float, path: str, digit: str,
                    request: gr.Request):
        """Frames from the first noise vector of seed A to seed B's: a strip and a looping GIF."""
        return sampler.walk(gan(model, request), reader, seed_a, seed_b, frames, path == "spherical", digit)

    def page_spec(model: str, ends: sampler.WalkEnds, request: gr.Request | None) -> str:
        """What the page needs to walk this sample itself (ui/web/gan_walk.js), as the live component's value."""
        generator, why = WEB_MODELS.try_url(lab.checkpoint(model, "gan", user_of(request)), keep=model != MINE)
        reader_url, _ = WEB_MODELS.try_url(lab.checkpoints.get("cnn"), keep=True)
        return json.dumps({"generator": generator, "reader": reader_url, "why": why, "a": ends.a.tolist(),
                           "b": ends.b.tolist(), "digit": ends.digit, "sliders": [WALK_ID, WALK_TRUNCATION_ID],
                           "server_blocks": [PICTURE_ID, READING_ID]})

    def walk_from(model: str, seed: float, count: float, truncation: float, digit: str, sample: float, seed_b: float,
                  request: gr.Request):
        """Start the live walk at this sample of the grid: back at its start, with the grid's truncation."""
        ends = sampler.walk_ends(gan(model, request), seed, count, sample, seed_b, digit)
        picture, read = sampler.walk_point(gan(model, request), reader, ends, 0.0, truncation)
        return page_spec(model, ends, request), 0.0, truncation, picture, walk_reading(read)

    def pick(model: str, seed: float, count: float, truncation: float, digit: str, seed_b: float,
             event: gr.SelectData, request: gr.Request):
        """A click on the grid picks the sample to walk."""
        sample = sampler.picked(*event.index, count)
        return sample, *walk_from(model, seed, count, truncation, digit, sample, seed_b, request)

    def walk_sample(model: str, seed: float, count: float, digit: str, sample: float, seed_b: float, walk: float,
                    truncation: float, request: gr.Request):
        """Sample number `sample` of the grid for this seed, count and digit, a fraction `walk` of the way
        (along the great circle) toward seed B's first sample, its noise shrunk by `truncation`."""
        ends = sampler.walk_ends(gan(model, request), seed, count, sample, seed_b, digit)
        picture, read = sampler.walk_point(gan(model, request), reader, ends, walk, truncation)
        return picture, walk_reading(read)

    def switch_model(model: str, request: gr.Request):
        conditional = bool(gan(model, request).classes)
        return gr.Dropdown(visible=conditional), gr.Button(visible=conditional), gr.Slider(visible=conditional)

    with gr.Tab("GAN sampler", id="sample"):
        loaded = [name for name in TITLES if name in lab.checkpoints]
        if not loaded:
            gr.Markdown("No GAN checkpoint is loaded.")
            return
        gr.Markdown("Samples from generative adversarial networks. The same seed always gives the same "
                    "samples; truncation shrinks the noise towards its centre for cleaner, less varied digits. "
                    "Under each sample: the CNN's reading and confidence.")
        first = lab.checkpoints[loaded[0]].model
        conditional = bool(first.classes)
        with gr.Row():
            model = gr.Radio(choices, value=loaded[0], label="Model")
            seed = WholeNumber(value=0, precision=0, minimum=0, maximum=MAX_SEED, label="Seed")
            new_seed_button = gr.Button("New seed", variant="primary")
        with gr.Row():
            count = NumberSlider(1, sampler.MAX_SAMPLES, value=32, step=1, label="Samples")
            truncation = NumberSlider(0.0, 1.0, value=1.0, step=0.05, label="Truncation (1 = none)")
            digit = gr.Dropdown(list(sampler.DIGITS), value=sampler.ANY_DIGIT, label="Digit", visible=conditional)
        with gr.Row():
            sample_button = gr.Button("Sample")
            rows = NumberSlider(1, sampler.MAX_ROWS, value=4, step=1, label="Rows of noise", visible=conditional)
            every_digit_button = gr.Button("Same noise, every digit", visible=conditional)
        start = sampler.sample(first, reader, 0, 32, 1.0)
        grid = Picture(start.grid, label="Samples", interactive=False, format="png", buttons=[],
                       elem_classes=["pixelated", "captioned"])
        reading = gr.Markdown(start.summary)
        with gr.Accordion("Walk one sample, live", open=True):
            gr.Markdown("Click a sample in the grid, then drag: the page itself runs the generator, so the "
                        "digit changes as fast as you move.")
            with gr.Row():
                with gr.Column(scale=1, min_width=240):
                    start_ends = sampler.walk_ends(first, 0, 32, 1, 1)
                    in_page = live_component("gan_walk.js", page_spec(loaded[0], start_ends, None),
                                             "genlab-gan-walk-live", 28 * sampler.SHOWN)
                    start_picture, start_read = sampler.walk_point(first, reader, start_ends, 0.0, 1.0)
                    walk_picture = Picture(start_picture, label="The walked sample", interactive=False, format="png",
                                           height=240, width=240, buttons=[], elem_classes=["pixelated", "captioned"],
                                           elem_id=PICTURE_ID)
                    walk_read = gr.Markdown(walk_reading(start_read), elem_id=READING_ID)
                with gr.Column(scale=2, min_width=260):
                    with gr.Row():
                        sample_number = WholeNumber(value=1, precision=0, minimum=1, maximum=sampler.MAX_SAMPLES,
                                                    label="Sample (click one in the grid)")
                        seed_b_walk = WholeNumber(value=1, precision=0, minimum=0, maximum=MAX_SEED,
                                                  label="Toward the first sample of seed")
                    walk = NumberSlider(0.0, 1.0, value=0.0, step=0.01, label="Walk toward that seed", elem_id=WALK_ID)
                    walk_truncation = NumberSlider(0.0, 1.0, value=1.0, step=0.01, label="Truncation of this sample",
                                                   elem_id=WALK_TRUNCATION_ID)
        with gr.Accordion("Interpolate between two seeds", open=False):
            with gr.Row():
                seed_a = WholeNumber(value=1, precision=0, minimum=0, maximum=MAX_SEED, label="Seed A")
                seed_b = WholeNumber(value=2, precision=0, minimum=0, maximum=MAX_SEED, label="Seed B")
                frames = NumberSlider(2, sampler.MAX_FRAMES, value=10, step=1, label="Frames")
                path = gr.Radio(["linear", "spherical"], value="spherical", label="Path")
                interpolate_button = gr.Button("Interpolate")
            strip = Picture(label="Frames", interactive=False, format="png", buttons=["download"],
                            elem_classes=["pixelated", "captioned"])
            animation = Picture(label="Animation", type="filepath", interactive=False, height=140, width=140,
                                buttons=["download"], elem_classes=["pixelated", "captioned"])

        settings = [model, seed, count, truncation, digit]
        sample_button.click(runs_a_model(sample), settings, [grid, reading], api_name="sample", **CHEAP)
        chosen = choose_model(lab, "gan", model).success
        for trigger in (chosen, truncation.release, count.release, digit.change):
            trigger(runs_a_model(sample), settings, [grid, reading], api_visibility="private", **CHEAP)
        chosen(answers(switch_model), model, [digit, every_digit_button, rows], api_visibility="private", queue=False)
        new_seed_button.click(runs_a_model(new_seed_sample), [model, count, truncation, digit], [seed, grid, reading],
                              api_name="new_seed", **CHEAP)
        every_digit_button.click(runs_a_model(every_digit), [model, seed, rows, truncation], [grid, reading],
                                 api_name="every_digit", **CHEAP)
        walk_outputs = [in_page, walk, walk_truncation, walk_picture, walk_read]
        grid.select(runs_a_model(pick), [*settings, seed_b_walk], [sample_number, *walk_outputs],
                    api_visibility="private", **CHEAP)
        for trigger in (sample_number.submit, seed_b_walk.submit, chosen, seed.change, count.release, digit.change):
            trigger(runs_a_model(walk_from), [*settings, sample_number, seed_b_walk], walk_outputs,
                    api_visibility="private", **CHEAP)
        # Dragging is drawn by the page; it asks the server (in_page's input event) only where it cannot.
        in_page.input(runs_a_model(walk_sample), [model, seed, count, digit, sample_number, seed_b_walk, walk,
                                                  walk_truncation], [walk_picture, walk_read], api_name="walk_sample",
                      trigger_mode="always_last", show_progress="hidden", **CHEAP)
        interpolate_button.click(runs_a_model(interpolate), [model, seed_a, seed_b, frames, path, digit],
                                 [strip, animation], api_name="interpolate_seeds", **CHEAP)
