"""GAN sampler tab: grids of samples by seed, truncation, seed-to-seed interpolation and, for the
conditional GAN, a chosen digit or the same noise drawn as every digit. genlab.sampler does the work."""
import gradio as gr

from genlab import sampler
from genlab.lab import Lab
from genlab.seeds import MAX_SEED, new_seed
from ui.common import CHEAP, answers, model_choices, runs_a_model, user_of
from ui.gradio_internals import NumberSlider, Picture, WholeNumber

TITLES = {"mlpgan": "MLP GAN", "dcgan": "DCGAN", "cdcgan": "Conditional DCGAN"}


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
        grid = Picture(start.grid, label="Samples", interactive=False, format="png", elem_classes=["pixelated"])
        reading = gr.Markdown(start.summary)
        with gr.Accordion("Interpolate between two seeds", open=False):
            with gr.Row():
                seed_a = WholeNumber(value=1, precision=0, minimum=0, maximum=MAX_SEED, label="Seed A")
                seed_b = WholeNumber(value=2, precision=0, minimum=0, maximum=MAX_SEED, label="Seed B")
                frames = NumberSlider(2, sampler.MAX_FRAMES, value=10, step=1, label="Frames")
                path = gr.Radio(["linear", "spherical"], value="spherical", label="Path")
                interpolate_button = gr.Button("Interpolate")
            strip = Picture(label="Frames", interactive=False, format="png", elem_classes=["pixelated"])
            animation = Picture(label="Animation", type="filepath", interactive=False, height=140, width=140,
                                elem_classes=["pixelated"])

        settings = [model, seed, count, truncation, digit]
        sample_button.click(runs_a_model(sample), settings, [grid, reading], api_name="sample", **CHEAP)
        for trigger in (model.change, truncation.release, count.release, digit.change):
            trigger(runs_a_model(sample), settings, [grid, reading], api_visibility="private", **CHEAP)
        model.change(answers(switch_model), model, [digit, every_digit_button, rows], api_visibility="private",
                     queue=False)
        new_seed_button.click(runs_a_model(new_seed_sample), [model, count, truncation, digit], [seed, grid, reading],
                              api_name="new_seed", **CHEAP)
        every_digit_button.click(runs_a_model(every_digit), [model, seed, rows, truncation], [grid, reading],
                                 api_name="every_digit", **CHEAP)
        interpolate_button.click(runs_a_model(interpolate), [model, seed_a, seed_b, frames, path, digit],
                                 [strip, animation], api_name="interpolate_seeds", **CHEAP)
