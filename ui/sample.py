"""GAN sampler tab: grids of samples by seed, truncation, seed-to-seed interpolation and, for the
conditional GAN, a chosen digit or the same noise drawn as every digit; and one sample walked live
toward another seed. The page draws the grid and the walk itself (ui/web/gan_grid.js, ui/web/gan_walk.js)
from the seeds' own noise, which it draws as the server does (genlab.core.seeds); the server draws them
for API clients and for browsers that cannot run the models. genlab.inference.sampler does the work."""
from dataclasses import dataclass, field
from typing import NamedTuple

import gradio as gr

from genlab.core.seeds import MAX_SEED, new_seed
from genlab.inference import sampler
from genlab.inference.objectives import gan_value, real_digits
from genlab.models.gan import GAN
from genlab.serve.export import JUDGE
from genlab.serve.lab import MINE, Lab
from genlab.serve.web_models import WEB_MODELS
from ui.choices import ModelChoice
from ui.common import CHEAP, answers, model_choices, runs_a_model, user_of
from ui.gradio_internals import NumberSlider, Picture, WholeNumber
from ui.web import LIVE_CSS, SliderSpec, live_component, page_component, page_graphs, test_digit_source
from ui.whats_happening import GAN_INTRO, GAN_WORDS, drawn, gan_words, measured, panel

TITLES = {"cdcgan": "Conditional DCGAN", "dcgan": "DCGAN", "mlpgan": "MLP GAN"}  # the best first: the tab opens on it
# The blocks the page reads and moves, by id: the grid's controls, its buttons, the server's grid, the walk's.
KNOBS = {knob: f"genlab-gan-{knob}" for knob in ("seed", "count", "truncation", "digit", "under", "rows")}
BUTTONS = {button: f"genlab-gan-{button.replace('_', '-')}" for button in ("sample", "new_seed", "every_digit")}
GRID_ID, GRID_PICTURE_ID, GRID_SUMMARY_ID = "genlab-gan-grid-live", "genlab-gan-grid", "genlab-gan-summary"
WALK_ID, WALK_TRUNCATION_ID = "genlab-gan-walk", "genlab-gan-walk-truncation"
WALK_SAMPLE_ID, WALK_SEED_B_ID = "genlab-gan-walk-sample", "genlab-gan-walk-seed-b"
PICTURE_ID, READING_ID = "genlab-gan-walk-picture", "genlab-gan-walk-reading"
BETWEEN_ID, BETWEEN_BUTTON_ID = "genlab-gan-between-live", "genlab-gan-interpolate"
BETWEEN_KNOBS = {knob: f"genlab-gan-between-{knob.replace('_', '-')}" for knob in ("seed_a", "seed_b", "frames", "path")}
STRIP_ID, ANIMATION_ID = "genlab-gan-between-strip", "genlab-gan-between-animation"
INTRO = ("Samples from generative adversarial networks. The same seed always gives the same samples; truncation "
         "shrinks the noise towards its centre for cleaner, less varied digits. Under each sample: the CNN's "
         "reading and confidence, or the discriminator's chance that it is real.")
MEASURE = "Measure the grid on screen"
SHOW_WORDS = "() => window.genlab.readings.ganWords"  # the page's What's happening for its grid, in the page alone
BETWEEN_PICTURES = ('<div class="genlab-live genlab-between"><span class="genlab-live-title">Frames</span>'
                    '<canvas data-picture="strip" aria-label="Frames"></canvas>'
                    '<span class="genlab-live-title">Animation</span><canvas data-picture="animation" width="28" '
                    'height="28" aria-label="Animation"></canvas><div class="genlab-notice"></div></div>')
BETWEEN_CSS = LIVE_CSS + """
.genlab-between canvas[data-picture=strip] { display: block; max-width: 100%; }
.genlab-between canvas[data-picture=animation] { display: block; width: 112px; height: 112px; image-rendering: pixelated;
  margin-top: 4px; }
"""  # the animation as large as the server's GIF (4 screen pixels a pixel)


@dataclass(frozen=True, kw_only=True)
class GanSpec(SliderSpec):
    """What the grid and the walk both read: the generator's graph, its noise size, its digits (0 for an
    unconditional GAN), and the limits the server holds the controls to."""

    generator: str | None
    noise: int
    classes: int
    any_digit: str = sampler.ANY_DIGIT
    max_seed: int = MAX_SEED


@dataclass(frozen=True, kw_only=True)
class SamplesSpec(GanSpec):
    """The grid's and the walk's: how many samples a grid may have."""

    max_samples: int = sampler.MAX_SAMPLES


@dataclass(frozen=True, kw_only=True)
class GridSpec(SamplesSpec):
    """The grid's (ui/web/gan_grid.js): the discriminator's graph (`judge`), the ids of its controls and
    buttons, the walk's Sample box (a click on a sample sets it), and the choice under each sample that
    means D's score. Its sliders are the samples', the truncation's and the rows'."""

    judge: str | None
    knobs: dict[str, str]
    buttons: dict[str, str]
    walk_sample: str
    test_digits: dict | None  # the real digits D sees beside the samples (ui/web.py's test_digit_source)
    words: dict = field(default_factory=lambda: GAN_WORDS)  # What's happening's, for the grid on screen
    judged: str = sampler.D_SCORE
    max_rows: int = sampler.MAX_ROWS


@dataclass(frozen=True, kw_only=True)
class WalkSpec(SamplesSpec):
    """The walk's (ui/web/gan_walk.js): the ids of the controls that choose its two samples (the grid's seed,
    samples, truncation and digit, the sample's number and seed B). Its sliders are the walk's and its
    truncation's."""

    ends: dict[str, str]


@dataclass(frozen=True, kw_only=True)
class BetweenSpec(GanSpec):
    """The seed-to-seed interpolation's (ui/web/gan_between.js): the ids of its controls (seed A, seed B,
    frames, path; the grid's digit), of its button, and the most frames. It follows no slider to the server:
    there it is drawn when the button is pressed."""

    knobs: dict[str, str]
    button: str
    max_frames: int = sampler.MAX_FRAMES


def walk_reading(read: str) -> str:
    return f"The CNN reads this as **{read}**." if read else ""


class Handlers:
    """What the tab's events do, on the lab's GANs: callable without building the tab."""

    def __init__(self, lab: Lab):
        self.lab = lab
        self.reader = lab.judge("cnn")

    def gan(self, model: str, request: gr.Request | None) -> GAN:
        return self.lab.checkpoint(model, "gan", user_of(request)).model

    def sample(self, model: str, seed: float, count: float, truncation: float, digit: str, request: gr.Request,
               under: str = sampler.CNN_READING):
        """A grid of `count` samples from the noise of this seed, shrunk by `truncation`; the conditional
        GAN draws `digit` ('any': every digit in turn); under each, the CNN's reading or D's score."""
        samples = sampler.sample(self.gan(model, request), self.reader, seed, count, truncation, digit, under)
        return samples.grid, samples.summary

    def new_seed_sample(self, model: str, count: float, truncation: float, digit: str, request: gr.Request,
                        under: str = sampler.CNN_READING):
        seed = new_seed()
        return seed, *self.sample(model, seed, count, truncation, digit, request, under)

    def every_digit(self, model: str, seed: float, rows: float, truncation: float, request: gr.Request,
                    under: str = sampler.CNN_READING):
        """One row per noise vector, one column per digit (the conditional GAN only)."""
        samples = sampler.every_digit(self.gan(model, request), self.reader, seed, rows, truncation, under)
        return samples.grid, samples.summary

    def interpolate(self, model: str, seed_a: float, seed_b: float, frames: float, path: str, digit: str,
                    request: gr.Request):
        """Frames from the first noise vector of seed A to seed B's: a strip and a looping GIF."""
        return sampler.walk(self.gan(model, request), self.reader, seed_a, seed_b, frames, path == "spherical", digit)

    def specs(self, model: str, request: gr.Request | None) -> tuple[GridSpec, WalkSpec, BetweenSpec]:
        """What the page needs to draw this GAN's grid, walk and interpolation itself."""
        checkpoint = self.lab.checkpoint(model, "gan", user_of(request))
        generator, reader, why = page_graphs(self.lab, model, checkpoint)
        judge, _ = WEB_MODELS.try_url(checkpoint, keep=model != MINE, part=JUDGE)
        gan = checkpoint.model
        shared = dict(reader=reader, why=why, generator=generator, noise=gan.config.noise, classes=gan.classes or 0)
        grid = GridSpec(**shared, judge=judge, sliders=(KNOBS["count"], KNOBS["truncation"], KNOBS["rows"]),
                        server_blocks=(GRID_PICTURE_ID, GRID_SUMMARY_ID), knobs=KNOBS, buttons=BUTTONS,
                        walk_sample=WALK_SAMPLE_ID, test_digits=test_digit_source(real_digits()))
        ends = {knob: KNOBS[knob] for knob in ("seed", "count", "truncation", "digit")}
        walk = WalkSpec(**shared, sliders=(WALK_ID, WALK_TRUNCATION_ID), server_blocks=(PICTURE_ID, READING_ID),
                        ends={**ends, "sample": WALK_SAMPLE_ID, "seed_b": WALK_SEED_B_ID})
        between = BetweenSpec(**shared, sliders=(), server_blocks=(STRIP_ID, ANIMATION_ID),
                              knobs={**BETWEEN_KNOBS, "digit": KNOBS["digit"]}, button=BETWEEN_BUTTON_ID)
        return grid, walk, between

    def pick(self, count: float, event: gr.SelectData) -> int:
        """A click on the server's grid picks the sample to walk (the page starts the walk there)."""
        return sampler.picked(*event.index, count)

    def walk_sample(self, model: str, seed: float, count: float, digit: str, sample: float, seed_b: float,
                    walk: float, truncation: float, request: gr.Request):
        """Sample number `sample` of the grid for this seed, count and digit, a fraction `walk` of the way
        (along the great circle) toward seed B's first sample, its noise shrunk by `truncation`."""
        ends = sampler.walk_ends(self.gan(model, request), seed, count, sample, seed_b, digit)
        picture, read = sampler.walk_point(self.gan(model, request), self.reader, ends, walk, truncation)
        return picture, walk_reading(read)

    def explain(self, model: str, seed: float, count: float, truncation: float, digit: str, request: gr.Request) -> str:
        """What's happening: the discriminator's view of the grid's samples and of as many real digits."""
        gan = self.gan(model, request)
        samples, labels = sampler.samples(gan, seed, count, truncation, digit)
        return gan_words(gan_value(gan, samples, labels, real_digits()))

    def diagram(self, model: str, request: gr.Request) -> str:
        return drawn(self.gan(model, request))

    def switch_model(self, model: str, request: gr.Request):
        """The page's specs for the chosen GAN, and its digit controls, shown for the conditional one only."""
        conditional = bool(self.gan(model, request).classes)
        return (*(spec.to_json() for spec in self.specs(model, request)), gr.Dropdown(visible=conditional),
                gr.Button(visible=conditional), gr.Slider(visible=conditional))


class Grid(NamedTuple):
    """The knobs of a grid of samples (in the order Handlers.sample takes them), the grid the page draws
    (in_page) and the server's."""
    model: gr.Radio
    seed: WholeNumber
    count: NumberSlider
    truncation: NumberSlider
    digit: gr.Dropdown
    new_seed_button: gr.Button
    sample_button: gr.Button
    rows: NumberSlider
    every_digit_button: gr.Button
    under: gr.Radio
    in_page: gr.HTML
    grid: Picture
    reading: gr.Markdown

    def settings(self) -> list[gr.components.Component]:
        return [self.model, self.seed, self.count, self.truncation, self.digit]


class Walk(NamedTuple):
    """One sample of the grid walked live toward seed B's."""
    in_page: gr.HTML
    picture: Picture
    reading: gr.Markdown
    sample: WholeNumber
    seed_b: WholeNumber
    walk: NumberSlider
    truncation: NumberSlider


class Between(NamedTuple):
    """An interpolation from seed A's first sample to seed B's, drawn in the page (in_page) or by the server."""
    in_page: gr.HTML
    seed_a: WholeNumber
    seed_b: WholeNumber
    frames: NumberSlider
    path: gr.Radio
    interpolate_button: gr.Button
    strip: Picture
    animation: Picture


def grid_of_samples(handlers: Handlers, choices: list[tuple[str, str]], name: str) -> Grid:
    """The knobs in a column beside the grid, so that the grid starts near the top of a laptop's screen
    (on a phone the column stacks above it)."""
    first = handlers.lab.checkpoints[name].model
    conditional = bool(first.classes)
    with gr.Row():
        with gr.Column(scale=1, min_width=280):
            model = gr.Radio(choices, value=name, label="Model")
            with gr.Row():
                seed = WholeNumber(value=0, precision=0, minimum=0, maximum=MAX_SEED, label="Seed",
                                   elem_id=KNOBS["seed"])
                with gr.Column(min_width=120):  # the grid's two buttons, together
                    new_seed_button = gr.Button("New seed", variant="primary", elem_id=BUTTONS["new_seed"])
                    sample_button = gr.Button("Sample", elem_id=BUTTONS["sample"])
            count = NumberSlider(1, sampler.MAX_SAMPLES, value=32, step=1, label="Samples", elem_id=KNOBS["count"])
            truncation = NumberSlider(0.0, 1.0, value=1.0, step=0.05, label="Truncation (1 = none)",
                                      elem_id=KNOBS["truncation"])
            digit = gr.Dropdown(list(sampler.DIGITS), value=sampler.ANY_DIGIT, label="Digit", visible=conditional,
                                elem_id=KNOBS["digit"])
            # the conditional GAN's other grid: its knob, then its button
            rows = NumberSlider(1, sampler.MAX_ROWS, value=4, step=1, label="Rows of noise", visible=conditional,
                                elem_id=KNOBS["rows"])
            every_digit_button = gr.Button("Same noise, every digit", visible=conditional,
                                           elem_id=BUTTONS["every_digit"])
            under = gr.Radio(list(sampler.UNDER), value=sampler.CNN_READING, label="Under each sample",
                             info="The discriminator's chance that a sample is real is what the generator learns "
                                  "to raise.", elem_id=KNOBS["under"])
        with gr.Column(scale=2, min_width=320):
            grid_spec, _, _ = handlers.specs(name, None)
            in_page = live_component("gan_grid.js", grid_spec, GRID_ID, side=None, title="Samples")
            start = sampler.sample(first, handlers.reader, 0, 32, 1.0)
            grid = Picture(start.grid, label="Samples", interactive=False, format="png", buttons=[],
                           elem_classes=["pixelated", "captioned"], elem_id=GRID_PICTURE_ID)
            reading = gr.Markdown(start.summary, elem_id=GRID_SUMMARY_ID)
    return Grid(model, seed, count, truncation, digit, new_seed_button, sample_button, rows, every_digit_button, under,
                in_page, grid, reading)


def live_walk(handlers: Handlers, name: str) -> Walk:
    first = handlers.lab.checkpoints[name].model
    with gr.Accordion("Walk one sample, live", open=True):
        gr.Markdown("Click a sample in the grid, then drag: the page itself runs the generator, so the digit "
                    "changes as fast as you move.")
        with gr.Row():
            with gr.Column(scale=1, min_width=240):
                _, walk_spec, _ = handlers.specs(name, None)
                in_page = live_component("gan_walk.js", walk_spec, "genlab-gan-walk-live", 28 * sampler.SHOWN)
                start_ends = sampler.walk_ends(first, 0, 32, 1, 1)
                start_picture, start_read = sampler.walk_point(first, handlers.reader, start_ends, 0.0, 1.0)
                picture = Picture(start_picture, label="The walked sample", interactive=False, format="png",
                                  height=240, width=240, buttons=[], elem_classes=["pixelated", "captioned"],
                                  elem_id=PICTURE_ID)
                reading = gr.Markdown(walk_reading(start_read), elem_id=READING_ID)
            with gr.Column(scale=2, min_width=260):
                with gr.Row():
                    sample = WholeNumber(value=1, precision=0, minimum=1, maximum=sampler.MAX_SAMPLES,
                                         label="Sample (click one in the grid)", elem_id=WALK_SAMPLE_ID)
                    seed_b = WholeNumber(value=1, precision=0, minimum=0, maximum=MAX_SEED,
                                         label="Toward the first sample of seed", elem_id=WALK_SEED_B_ID)
                walk = NumberSlider(0.0, 1.0, value=0.0, step=0.01, label="Walk toward that seed", elem_id=WALK_ID)
                truncation = NumberSlider(0.0, 1.0, value=1.0, step=0.01, label="Truncation of this sample",
                                          elem_id=WALK_TRUNCATION_ID)
    return Walk(in_page, picture, reading, sample, seed_b, walk, truncation)


def between(handlers: Handlers, name: str) -> Between:
    with gr.Accordion("Interpolate between two seeds", open=False):
        with gr.Row():
            seed_a = WholeNumber(value=1, precision=0, minimum=0, maximum=MAX_SEED, label="Seed A",
                                 elem_id=BETWEEN_KNOBS["seed_a"])
            seed_b = WholeNumber(value=2, precision=0, minimum=0, maximum=MAX_SEED, label="Seed B",
                                 elem_id=BETWEEN_KNOBS["seed_b"])
            frames = NumberSlider(2, sampler.MAX_FRAMES, value=10, step=1, label="Frames",
                                  elem_id=BETWEEN_KNOBS["frames"])
            path = gr.Radio(["linear", "spherical"], value="spherical", label="Path", elem_id=BETWEEN_KNOBS["path"])
            interpolate_button = gr.Button("Interpolate", elem_id=BETWEEN_BUTTON_ID)
        _, _, spec = handlers.specs(name, None)
        in_page = page_component("gan_between.js", spec, BETWEEN_ID, BETWEEN_PICTURES, BETWEEN_CSS)
        strip = Picture(label="Frames", interactive=False, format="png", buttons=["download"],
                        elem_classes=["pixelated", "captioned"], elem_id=STRIP_ID)
        animation = Picture(label="Animation", type="filepath", interactive=False, height=140, width=140,
                            buttons=["download"], elem_classes=["pixelated", "captioned"], elem_id=ANIMATION_ID)
    return Between(in_page, seed_a, seed_b, frames, path, interpolate_button, strip, animation)


def wire(handlers: Handlers, grid: Grid, walk: Walk, seeds: Between,
         explained: tuple[gr.HTML, gr.Markdown, gr.Button]) -> None:
    settings, shown = grid.settings(), [grid.grid, grid.reading]
    diagram, live, measure = explained
    # The page draws the grid and the walk from the controls, and asks the server (in_page's events) only
    # where it cannot: input for the controls' grid, submit for every digit. API clients call /sample,
    # /every_digit and /new_seed (which the page never triggers: it picks a new seed itself), /walk_sample.
    grid.in_page.input(runs_a_model(handlers.sample), [*settings, grid.under], shown, api_name="sample",
                       trigger_mode="always_last", show_progress="hidden", **CHEAP)
    grid.in_page.submit(runs_a_model(handlers.every_digit), [grid.model, grid.seed, grid.rows, grid.truncation,
                                                             grid.under], shown, api_name="every_digit",
                        trigger_mode="always_last", show_progress="hidden", **CHEAP)
    grid.in_page.click(runs_a_model(handlers.new_seed_sample),
                       [grid.model, grid.count, grid.truncation, grid.digit, grid.under], [grid.seed, *shown],
                       api_name="new_seed", **CHEAP)
    walk.in_page.input(runs_a_model(handlers.walk_sample), [grid.model, grid.seed, grid.count, grid.digit, walk.sample,
                                                            walk.seed_b, walk.walk, walk.truncation],
                       [walk.picture, walk.reading], api_name="walk_sample", trigger_mode="always_last",
                       show_progress="hidden", **CHEAP)
    grid.grid.select(answers(handlers.pick), grid.count, walk.sample, api_visibility="private", queue=False)
    # What's happening follows the server's grid and the model, and the page's grid when asked (the button).
    # What's happening: the page writes D's view of the grid it draws (in the page alone); the server's follows its
    # own grid, the button, and a model it chose.
    grid.in_page.select(None, None, live, js=SHOW_WORDS)
    choice = ModelChoice(handlers.lab, "gan", grid.model)
    explaining = {"trigger_mode": "always_last", "show_progress": "hidden", **CHEAP}
    grid.grid.change(runs_a_model(handlers.explain), settings, live, api_visibility="private", **explaining)
    measured(measure, "gan", runs_a_model(handlers.explain), settings, live, **CHEAP)
    choice.on_server(runs_a_model(handlers.explain), settings, live, **explaining)
    choice.redraws(runs_a_model(handlers.diagram), diagram, **CHEAP)
    choice.redraws(runs_a_model(handlers.switch_model),
                   [grid.in_page, walk.in_page, seeds.in_page, grid.digit, grid.every_digit_button, grid.rows], **CHEAP)
    # The page draws the interpolation as its controls change and when Interpolate is pressed; where it cannot,
    # the button asks the server (in_page's input event). API clients call /interpolate_seeds.
    seeds.in_page.input(runs_a_model(handlers.interpolate),
                        [grid.model, seeds.seed_a, seeds.seed_b, seeds.frames, seeds.path, grid.digit],
                        [seeds.strip, seeds.animation], api_name="interpolate_seeds", **CHEAP)


def build(lab: Lab) -> None:
    handlers = Handlers(lab)
    with gr.Tab("GAN sampler", id="sample"):
        loaded = [name for name in TITLES if name in lab.checkpoints]
        if not loaded:
            gr.Markdown("No GAN checkpoint is loaded.")
            return
        gr.Markdown(INTRO)
        grid = grid_of_samples(handlers, model_choices(lab, TITLES), loaded[0])
        walk = live_walk(handlers, loaded[0])
        first = lab.checkpoints[loaded[0]].model
        explained = panel(GAN_INTRO, first, gan_words(gan_value(first, *sampler.samples(first, 0, 32, 1.0, "any"),
                                                                real_digits())), measure=MEASURE)
        wire(handlers, grid, walk, between(handlers, loaded[0]), explained)
