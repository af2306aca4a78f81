"""VAE explorer tab: drag latent sliders and watch digits decode, explore the 2-D map, encode your
own drawing, and interpolate between digits. genlab.inference.explorer does the work; while the sliders move,
the page itself decodes (ui/web/explore.js), and the server's /decode serves API clients and
browsers that cannot run the model."""
from dataclasses import dataclass, field
from typing import NamedTuple

import gradio as gr
import torch

from genlab.core.checkpoint import Checkpoint
from genlab.core.errors import RequestError
from genlab.core.seeds import MAX_SEED
from genlab.inference.explorer import (
    EXTENT,
    FRAMES_REFUSED,
    MAX_FRAMES,
    NO_DIGIT,
    NO_TEST_DIGITS,
    TEST_RANGE,
    SCALE,
    SLIDERS,
    SOURCES,
    Decoded,
    Explorer,
    legend,
    visitor_digit,
)
from genlab.inference.latent import PATH_COLOUR
from genlab.inference.latent import path as latent_path
from genlab.inference.objectives import decoded_elbo
from genlab.inference.preprocess import open_drawing
from genlab.serve.export import ENCODER
from genlab.serve.lab import MINE, Lab
from genlab.serve.web_models import WEB_MODELS
from ui.choices import ModelChoice
from ui.common import CHEAP, answers, model_choices, runs_a_model, user_of
from ui.gradio_internals import ImageFile, NumberSlider, Picture, WholeNumber
from ui.web import (LIVE_CSS, SliderSpec, drawing_pad, live_component, page_component, page_graphs, test_digit_source,
                    upload_box)
from ui.whats_happening import VAE_INTRO, VAE_WORDS, drawn, measured, panel, vae_words

SHOW_WORDS = "() => window.genlab.readings.vaeWords"  # the page's What's happening for its digit, in the page alone
MAIN_SLIDERS = 6  # beside the digit; the rest sit under "More dimensions", where a 2-D model has its map
TITLES = {"vae2d": "VAE, 2-D latent", "vae": "VAE, 16-D latent"}
LATENT = [f"z{slot + 1}" for slot in range(SLIDERS)]  # the API's names for the sliders' values (Explorer.order)
SLIDER_IDS = [f"genlab-{name}" for name in LATENT]
SEED_ID, RANDOM_ID, RESET_ID = "genlab-vae-seed", "genlab-vae-random", "genlab-vae-reset"
PICTURE_ID, READING_ID, MAP_ID = "genlab-vae-picture", "genlab-vae-reading", "genlab-vae-map"
OWN = {"pad": "genlab-vae-pad", "upload": "genlab-vae-upload", "upload_box": "genlab-vae-upload-box",
       "reconstruction": "genlab-vae-reconstruction-live"}  # upload: the server's; upload_box: the page's (ui/web/upload.js)
ENCODE_ID, RECONSTRUCTION_ID = "genlab-vae-encode", "genlab-vae-reconstruction"
UPLOAD_LABEL = "...or upload one"
ENDS = {"from": 0, "to": 1}  # the interpolation's ends, and the test digit each starts at
BETWEEN = {**{f"{end}_{knob}": f"genlab-vae-{end}-{knob}" for end in ENDS for knob in ("source", "number", "preview")},
           "frames": "genlab-vae-frames", "path": "genlab-vae-path"}
BETWEEN_ID, BETWEEN_BUTTON_ID = "genlab-vae-between-live", "genlab-vae-interpolate"
STRIP_ID, ANIMATION_ID = "genlab-vae-strip", "genlab-vae-animation"
BETWEEN_PICTURES = (
    '<div class="genlab-live genlab-vae-between">'
    + "".join(f'<figure data-end="{end}"><span class="genlab-live-title"></span><canvas width="28" height="28" '
              f'aria-label="The {end} end"></canvas></figure>' for end in ENDS)
    + '<span class="genlab-live-title">Frames, with the CNN\'s reading of each</span>'
      '<canvas data-picture="strip" aria-label="Frames"></canvas>'
      '<span class="genlab-live-title">Animation</span><canvas data-picture="animation" width="28" height="28" '
      'aria-label="Animation"></canvas><div class="genlab-notice"></div></div>')
BETWEEN_CSS = LIVE_CSS + """
.genlab-vae-between figure { display: inline-block; margin: 0 16px 8px 0; vertical-align: top; }
.genlab-vae-between figure canvas, .genlab-vae-between [data-picture=animation] { width: 112px; height: 112px;
  image-rendering: pixelated; display: block; }
.genlab-vae-between [data-picture=strip] { display: block; max-width: 100%; }
"""
ENCODED = "The sliders jumped to your digit's code."
RINGS = (" The rings on the map: where the encoder says that code could be (one and two standard deviations around "
         "it: {across} across, {up} up, against the prior's 1); in training the decoder is shown a code drawn from "
         "there.")  # said of a 2-D model's encoding
RECONSTRUCTION_CANVAS = ('<div class="genlab-reconstruction" style="display:none"><span class="genlab-live-title">'
                         'Reconstruction</span><canvas width="28" height="28" aria-label="Reconstruction" '
                         'style="width:224px;height:224px;image-rendering:pixelated"></canvas></div>')
INTRO = ("Drag a slider: the decoder turns the latent code into a digit as you move, right here in your browser. "
         "The CNN's reading under it says how legible the digit is; the bar under each slider, how much of the "
         "code's information that dimension carries (the most used first).")


@dataclass(frozen=True, kw_only=True)
class ExplorerSpec(SliderSpec):
    """What ui/web/explore.js decodes with, besides what every live picture reads: the decoder's graph,
    the code's size, the dimension each slider moves (most used first), the sliders' range, the map's block,
    and the seed box and buttons it acts on."""

    decoder: str | None
    latent: int
    order: tuple[int, ...]
    extent: float
    map: str
    seed: str  # the seed box's id: Random sample draws that seed's code in the page, as random_code does
    buttons: dict[str, str]  # the ids of Random sample, Reset and Encode, which the page does itself
    encoder: str | None  # the encoder's graph: Encode, in the page
    own: dict[str, str]  # the ids of the visitor's drawing pad, the server's upload, the page's upload box and reconstruction
    said: dict[str, str]  # what the server says of an encoding (and of a missing digit), for the page to say alike
    words: dict = field(default_factory=lambda: VAE_WORDS)  # What's happening's, for the digit on screen
    ring_colour: str = "rgb{}".format(PATH_COLOUR)  # the posterior's rings on the map
    max_seed: int = MAX_SEED


@dataclass(frozen=True, kw_only=True)
class BetweenDigitsSpec(SliderSpec):
    """What ui/web/vae_between.js interpolates with: the decoder and encoder, the code's size, the dimension each
    slider holds (an end may be the sliders' code), the ends' controls, the frames and the path (knobs), the
    button, the visitor's drawing pad and upload box, where the test digits are (None where the server has none)
    and what the server says, for the page to say alike. (A 2-D model's path goes to the map as an event.)"""

    decoder: str | None
    encoder: str | None
    latent: int
    order: tuple[int, ...]
    code_sliders: tuple[str, ...]  # the explorer's sliders, whose code an end may be (it follows no slider itself)
    extent: float
    knobs: dict[str, str]
    button: str
    own: dict[str, str]
    test_digits: dict | None  # {url, count, per_file}
    said: dict[str, str]
    max_frames: int = MAX_FRAMES
    max_seed: int = MAX_SEED
    path_colour: str = "rgb{}".format(PATH_COLOUR)


def reading_text(decoded: Decoded) -> str:
    return f"The CNN reads this as **{decoded.reading}**." if decoded.reading else ""


def legend_html() -> str:
    chips = "".join(f'<span style="color:rgb{colour};font-weight:700">●{digit}</span> ' for digit, colour in legend())
    return (f"<div>The 2-D latent space: test digits, coloured by their true class: {chips}. Point at the map to "
            "decode that point; click to move the sliders there.</div>")


def values_of(z: dict[str, float]) -> list[float]:
    return [z[name] for name in LATENT]


class Handlers:
    """What the tab's events do, on the lab's VAEs: callable without building the tab."""

    def __init__(self, lab: Lab):
        self.lab = lab
        self.explorer = Explorer(lab.judge("cnn"), lab.device)

    def vae_named(self, name: str, request: gr.Request | None) -> Checkpoint:
        return self.lab.checkpoint(name, "vae", user_of(request))

    def slider_props(self, vae: Checkpoint, z: torch.Tensor) -> list[dict]:
        """Label, bar of use, visibility and value of every slider for this model."""
        captions, values = self.explorer.slider_captions(vae), self.explorer.slider_values(vae, z)
        props = []
        for slot in range(SLIDERS):
            if slot < len(captions):
                label, info = captions[slot]
                props.append({"value": values[slot], "label": label, "info": info, "visible": True})
            else:
                props.append({"value": 0.0, "label": "unused", "info": "", "visible": False})
        return props

    def show(self, vae: Checkpoint, z: torch.Tensor, note: str = "", relabel: bool = False) -> list:
        """Sliders (plain values, or full updates when the model changed), decoded digit, reading, map.
        The code is clamped to the sliders' range first, so what is shown is what the sliders hold.
        The map has no marker: the page draws it where the sliders are."""
        z = z.clamp(-EXTENT, EXTENT)
        decoded = self.explorer.decode(vae, z)
        sliders = ([gr.Slider(**p) for p in self.slider_props(vae, z)] if relabel
                   else self.explorer.slider_values(vae, z))
        return [*sliders, decoded.picture, (note + " " + reading_text(decoded)).strip(), self.explorer.draw_map(vae)]

    def live_spec(self, name: str, vae: Checkpoint) -> ExplorerSpec:
        """What the page needs to decode this VAE itself (ui/web/explore.js)."""
        decoder, reader, why = page_graphs(self.lab, name, vae)
        encoder, _ = WEB_MODELS.try_url(vae, keep=name != MINE, part=ENCODER)
        return ExplorerSpec(reader=reader, why=why, sliders=tuple(SLIDER_IDS),
                            server_blocks=(PICTURE_ID, READING_ID, RECONSTRUCTION_ID, OWN["upload"]), decoder=decoder,
                            latent=vae.meta["config"]["latent"], order=tuple(self.explorer.order(vae)[:SLIDERS]),
                            extent=EXTENT, map=MAP_ID, seed=SEED_ID,
                            buttons={"random": RANDOM_ID, "reset": RESET_ID, "encode": ENCODE_ID}, encoder=encoder,
                            own=OWN, said={"encoded": ENCODED, "rings": RINGS, "no_digit": NO_DIGIT})

    def between_spec(self, name: str, vae: Checkpoint) -> BetweenDigitsSpec:
        """What the page needs to interpolate with this VAE itself (ui/web/vae_between.js)."""
        decoder, reader, why = page_graphs(self.lab, name, vae)
        encoder, _ = WEB_MODELS.try_url(vae, keep=name != MINE, part=ENCODER)
        try:
            digits = test_digit_source(self.explorer.test_split())
        except RequestError:
            digits = None
        return BetweenDigitsSpec(
            reader=reader, why=why, sliders=(), code_sliders=tuple(SLIDER_IDS), decoder=decoder, encoder=encoder,
            server_blocks=(BETWEEN["from_preview"], BETWEEN["to_preview"], STRIP_ID, ANIMATION_ID),
            latent=vae.meta["config"]["latent"], order=tuple(self.explorer.order(vae)[:SLIDERS]), extent=EXTENT,
            knobs=BETWEEN, button=BETWEEN_BUTTON_ID, own=OWN, test_digits=digits,
            said={"no_digit": NO_DIGIT, "no_test_digits": NO_TEST_DIGITS, "frames": FRAMES_REFUSED,
                  "test_range": TEST_RANGE})

    def page_between(self, model: str, request: gr.Request) -> str:
        return self.between_spec(model, self.vae_named(model, request)).to_json()

    def end_previews(self, model: str, source_a: str, number_a: float, source_b: str, number_b: float,
                     drawing: str | None, upload: str | None, request: gr.Request, **z: float):
        """Both ends' previews (end_preview), for a page that cannot draw them itself."""
        return [self.end_preview(model, source, number, drawing, upload, request, **z)
                for source, number in ((source_a, number_a), (source_b, number_b))]

    def decode(self, model: str, request: gr.Request, **z: float):
        """Decode the latent code the sliders give (z1: the most-used dimension) and read it with the CNN."""
        vae = self.vae_named(model, request)
        decoded = self.explorer.decode(vae, self.explorer.code(vae, values_of(z)))
        return decoded.picture, reading_text(decoded)

    def explain(self, model: str, request: gr.Request, **z: float) -> str:
        """What's happening: the -ELBO of the digit the sliders' code decodes to."""
        vae = self.vae_named(model, request)
        code = self.explorer.code(vae, values_of(z))
        return vae_words(decoded_elbo(vae.model, code), code.tolist())

    def diagram(self, model: str, request: gr.Request) -> str:
        return drawn(self.vae_named(model, request).model)

    def switch_model(self, model: str, request: gr.Request):
        vae = self.vae_named(model, request)
        more = len(self.explorer.order(vae)) > MAIN_SLIDERS
        two_d = vae.meta["config"]["latent"] == 2
        return [*self.show(vae, self.explorer.origin(vae), relabel=True), gr.Accordion(visible=more),
                gr.Column(visible=two_d), gr.Markdown(visible=not two_d), self.live_spec(model, vae).to_json()]

    def click_map(self, model: str, event: gr.SelectData, request: gr.Request):
        z = self.explorer.map_point(*event.index)
        return self.show(self.vae_named(model, request), z, f"Decoded the point ({z[0]:.2f}, {z[1]:.2f}).")

    def random_code(self, model: str, seed: float, request: gr.Request):
        """A code drawn from the prior with this seed; the seed box moves on to the next seed."""
        vae = self.vae_named(model, request)
        z = self.explorer.prior_sample(vae, seed)
        clamped = " (values beyond ±3 clamped to the sliders)" if z.abs().max() > EXTENT else ""
        return [*self.show(vae, z, f"A sample from the prior with seed {int(seed)}{clamped}."), int(seed) + 1]

    def reset(self, model: str, request: gr.Request):
        vae = self.vae_named(model, request)
        return self.show(vae, self.explorer.origin(vae), "Back to the origin.")

    def encode(self, model: str, drawing: str | None, upload: str | None, request: gr.Request):
        """Move the sliders to the code of a drawn or uploaded digit."""
        vae = self.vae_named(model, request)
        z, spread = self.explorer.posterior(vae, visitor_digit(open_drawing(drawing), upload))
        two_d = vae.meta["config"]["latent"] == 2
        shown = self.show(vae, z, ENCODED + (RINGS.format(across=f"{spread[0]:.2f}", up=f"{spread[1]:.2f}")
                                             if two_d else ""))
        if two_d:
            shown[-1] = self.explorer.draw_map(vae, posterior=(z.clamp(-EXTENT, EXTENT), spread))
        return [*shown, shown[SLIDERS]]  # the reconstruction is the decoded digit

    def end_preview(self, model: str, source: str, number: float, drawing: str | None, upload: str | None,
                    request: gr.Request, **z: float):
        """What one end of an interpolation is, titled (test digit 0 is a 7, not a zero)."""
        picture, title = self.explorer.end_preview(self.vae_named(model, request), source, number, values_of(z),
                                                   open_drawing(drawing), upload)
        return gr.Image(picture, label=title)

    def interpolate(self, model: str, source_a: str, number_a: float, source_b: str, number_b: float, frames: float,
                    path: str, drawing: str | None, upload: str | None, request: gr.Request, **z: float):
        """Frames decoded from one digit's code to another's (each end a test digit, a seed, the sliders or
        your drawing): a captioned strip and a looping GIF."""
        vae = self.vae_named(model, request)
        own = open_drawing(drawing)
        a = self.explorer.endpoint(vae, source_a, number_a, values_of(z), own, upload)
        b = self.explorer.endpoint(vae, source_b, number_b, values_of(z), own, upload)
        walked = self.explorer.interpolate(vae, a, b, int(frames), path == "spherical")
        return walked.strip, walked.animation

    def path_on_map(self, model: str, source_a: str, number_a: float, source_b: str, number_b: float, frames: float,
                    path: str, drawing: str | None, upload: str | None, request: gr.Request, **z: float):
        """The 2-D map with the interpolation's path drawn on it: where its frames come from (the map
        is left as it is for a model of more dimensions)."""
        vae = self.vae_named(model, request)
        if vae.meta["config"]["latent"] != 2:
            return gr.skip()
        own = open_drawing(drawing)
        a = self.explorer.endpoint(vae, source_a, number_a, values_of(z), own, upload)
        b = self.explorer.endpoint(vae, source_b, number_b, values_of(z), own, upload)
        return self.explorer.draw_map(vae, latent_path(a, b, int(frames), path == "spherical"))


class LatentView(NamedTuple):
    """The digit decoded live, the sliders that hold its code and the 2-D map."""
    in_page: gr.HTML
    decoded: Picture
    reading: gr.Markdown
    seed: WholeNumber
    random_button: gr.Button
    reset_button: gr.Button
    sliders: list[NumberSlider]
    more: gr.Accordion
    map_column: gr.Column
    latent_map: Picture
    no_map: gr.Markdown

    def shown(self) -> list[gr.components.Component]:
        """What Handlers.show redraws, in its order."""
        return [*self.sliders, self.decoded, self.reading, self.latent_map]


class OwnDigit(NamedTuple):
    """A visitor's digit, drawn or uploaded, and its code decoded again."""
    pad: gr.HTML
    upload: ImageFile
    reconstruction: Picture  # the server's; the page draws its own beside it
    encode_button: gr.Button


class End(NamedTuple):
    """One end of an interpolation: where its code comes from, its number, its picture."""
    source: gr.Radio
    number: WholeNumber
    preview: Picture


class Between(NamedTuple):
    """An interpolation: its two ends, how it walks, the frames it makes (the page's side, in_page, or the
    server's pictures)."""
    ends: list[End]
    frames: NumberSlider
    path: gr.Radio
    in_page: gr.HTML
    strip: Picture
    animation: Picture


def latent_view(handlers: Handlers, name: str) -> LatentView:
    vae = handlers.lab.checkpoints[name]
    origin = handlers.explorer.origin(vae)
    with gr.Row():
        start = handlers.explorer.decode(vae, origin)
        with gr.Column(scale=1, min_width=240):
            in_page = live_component("explore.js", handlers.live_spec(name, vae), "genlab-vae-live", 28 * SCALE)
            decoded = Picture(start.picture, label="Decoded digit", interactive=False, format="png", height=240,
                              width=240, buttons=[], elem_classes=["pixelated", "captioned"], elem_id=PICTURE_ID)
            reading = gr.Markdown(reading_text(start), elem_id=READING_ID)
            with gr.Row():
                seed = WholeNumber(value=0, precision=0, label="Seed", minimum=0, maximum=MAX_SEED, elem_id=SEED_ID)
                random_button = gr.Button("Random sample", elem_id=RANDOM_ID)
                reset_button = gr.Button("Reset", elem_id=RESET_ID)
        with gr.Column(scale=1, min_width=260):
            props = handlers.slider_props(vae, origin)
            sliders = [NumberSlider(-EXTENT, EXTENT, step=0.01, elem_id=SLIDER_IDS[i], **props[i])
                       for i in range(MAIN_SLIDERS)]
        start_map = handlers.explorer.draw_map(vae)
        with gr.Column(scale=2, min_width=300):  # always there, so switching models moves nothing else
            with gr.Column(visible=start_map is not None) as map_column:
                latent_map = Picture(start_map, label="The 2-D latent space", show_label=False, buttons=[],
                                     interactive=False, format="png", height=420, width=420, elem_id=MAP_ID)
                gr.HTML(legend_html())
            no_map = gr.Markdown("A map of the latent space needs two dimensions: choose the 2-D VAE to see one, "
                                 "or train your own in the Train tab (VAE, **Latent dimensions** 2) and choose "
                                 "**Mine**.", visible=start_map is None)
            # Where a 2-D model has its map, a larger code has the rest of its sliders: no half-empty page.
            with gr.Accordion("More dimensions", open=True, visible=props[MAIN_SLIDERS]["visible"]) as more:
                sliders += [NumberSlider(-EXTENT, EXTENT, step=0.01, elem_id=SLIDER_IDS[i], **props[i])
                            for i in range(MAIN_SLIDERS, SLIDERS)]
    return LatentView(in_page, decoded, reading, seed, random_button, reset_button, sliders, more, map_column,
                      latent_map, no_map)


def own_digit() -> OwnDigit:
    with gr.Accordion("Encode your own digit", open=False):
        with gr.Row():
            pad = drawing_pad("Draw a digit", elem_id=OWN["pad"])
            upload_box(UPLOAD_LABEL, OWN["upload_box"])
            upload = ImageFile(label=UPLOAD_LABEL, type="filepath", image_mode=None,
                               sources=["upload", "clipboard"], height=200, elem_id=OWN["upload"])
            gr.HTML(RECONSTRUCTION_CANVAS, elem_id=OWN["reconstruction"], apply_default_css=False)  # ui/web/explore.js
            reconstruction = Picture(label="Reconstruction", interactive=False, format="png", height=224, width=224,
                                     buttons=[], elem_classes=["pixelated", "captioned"], elem_id=RECONSTRUCTION_ID)
        encode_button = gr.Button("Encode", elem_id=ENCODE_ID)
    return OwnDigit(pad, upload, reconstruction, encode_button)


def end(explorer: Explorer, vae: Checkpoint, side: str) -> End:
    with gr.Column(min_width=200):
        source = gr.Radio(list(SOURCES), value="test digit", label=side.capitalize(), elem_id=BETWEEN[f"{side}_source"])
        with gr.Row():
            number_box = WholeNumber(value=ENDS[side], precision=0, label="Test digit number or seed", min_width=120,
                                     elem_id=BETWEEN[f"{side}_number"])
            try:
                start, title = explorer.end_preview(vae, "test digit", ENDS[side], [], None, None)
            except RequestError:  # no test digits on this server
                start, title = None, "This end"
            preview = Picture(start, label=title, interactive=False, format="png", height=112, width=112, buttons=[],
                              elem_classes=["pixelated", "captioned"], min_width=120, elem_id=BETWEEN[f"{side}_preview"])
    return End(source, number_box, preview)


def between(handlers: Handlers, name: str) -> Between:
    vae = handlers.lab.checkpoints[name]
    with gr.Accordion("Interpolate between two digits", open=False):
        with gr.Row():
            ends = [end(handlers.explorer, vae, side) for side in ENDS]
        with gr.Row():
            frames = NumberSlider(2, MAX_FRAMES, value=10, step=1, label="Frames", elem_id=BETWEEN["frames"])
            path = gr.Radio(["linear", "spherical"], value="spherical", label="Path", elem_id=BETWEEN["path"])
            gr.Button("Interpolate", elem_id=BETWEEN_BUTTON_ID)
        in_page = page_component("vae_between.js", handlers.between_spec(name, vae), BETWEEN_ID, BETWEEN_PICTURES,
                                 BETWEEN_CSS, elem_classes=["genlab-live-picture"])
        strip = Picture(label="Frames, with the CNN's reading of each", interactive=False, format="png",
                        buttons=["download"], elem_classes=["pixelated", "captioned"], elem_id=STRIP_ID)
        animation = Picture(label="Animation", type="filepath", interactive=False, height=140, width=140,
                            buttons=["download"], elem_classes=["pixelated", "captioned"], elem_id=ANIMATION_ID)
    return Between(ends, frames, path, in_page, strip, animation)


def wire(handlers: Handlers, model: gr.Radio, view: LatentView, own: OwnDigit, walk: Between,
         explained: tuple[gr.HTML, gr.Markdown, gr.Button]) -> None:
    latent = dict(zip(LATENT, view.sliders))
    shown = view.shown()
    diagram, live, measure = explained
    # A drag is drawn by the page and asks the server nothing; the figures follow the server's redraws
    # (random, reset, the map, an encoding) and the button.
    view.decoded.change(runs_a_model(handlers.explain), model, live, inputs_kwargs=latent, api_visibility="private",
                        trigger_mode="always_last", show_progress="hidden", **CHEAP)
    measured(measure, "vae", runs_a_model(handlers.explain), model, live, inputs_kwargs=latent, **CHEAP)
    # A slider move is drawn by the page; the page asks the server (in_page's input event) only while
    # it cannot decode itself. API clients call /decode directly.
    view.in_page.input(runs_a_model(handlers.decode), model, [view.decoded, view.reading], inputs_kwargs=latent,
                       api_name="decode", trigger_mode="always_last", show_progress="hidden", **CHEAP)
    # The page writes What's happening's figures of the digit it draws (in the page alone).
    view.in_page.select(None, None, live, js=SHOW_WORDS)
    choice = ModelChoice(handlers.lab, "vae", model)  # the server's figures follow the digit it redraws (above)
    choice.redraws(runs_a_model(handlers.diagram), diagram, **CHEAP)
    choice.redraws(runs_a_model(handlers.switch_model), [*shown, view.more, view.map_column, view.no_map, view.in_page],
                   page_draws=[view.decoded, view.reading], **CHEAP)
    view.latent_map.select(runs_a_model(handlers.click_map), model, shown, api_visibility="private", **CHEAP)
    # Random sample and Reset are done by the page, which asks the server (in_page's submit and click
    # events) only where it cannot decode; API clients call /random_code.
    view.in_page.submit(runs_a_model(handlers.random_code), [model, view.seed], [*shown, view.seed],
                        api_name="random_code", **CHEAP)
    view.in_page.click(runs_a_model(handlers.reset), model, shown, api_visibility="private", **CHEAP)
    # Encode is done by the page for a drawing or a picture given to its upload box; a page that cannot run the model
    # asks the server, with the server's upload
    # (in_page's upload event). API clients call /encode.
    view.in_page.upload(runs_a_model(handlers.encode), [model, own.pad, own.upload], [*shown, own.reconstruction],
                        api_name="encode", **CHEAP)
    # The interpolation is drawn by the page as its controls change: the ends' previews, the strip, the animation
    # and, on a 2-D model, the path on the map. Where it cannot, it asks the server: its focus event (the page's
    # own, never a person's) for the previews, its input event (Interpolate) for the frames, as API clients do.
    (source_a, number_a, _), (source_b, number_b, _) = walk.ends
    ends = [model, source_a, number_a, source_b, number_b]
    choice.redraws(answers(handlers.page_between), walk.in_page, **CHEAP)
    walk.in_page.focus(runs_a_model(handlers.end_previews), [*ends, own.pad, own.upload],
                       [end.preview for end in walk.ends], inputs_kwargs=latent, api_visibility="private",
                       show_progress="hidden", **CHEAP)
    walk.in_page.input(runs_a_model(handlers.interpolate), [*ends, walk.frames, walk.path, own.pad, own.upload],
                       [walk.strip, walk.animation], inputs_kwargs=latent, api_name="interpolate", **CHEAP
                       ).success(runs_a_model(handlers.path_on_map), [*ends, walk.frames, walk.path, own.pad, own.upload],
                                 view.latent_map, inputs_kwargs=latent, api_visibility="private",
                                 show_progress="hidden", **CHEAP)


def build(lab: Lab) -> None:
    handlers = Handlers(lab)
    with gr.Tab("VAE explorer", id="explore"):
        loaded = [name for name in TITLES if name in lab.checkpoints]
        if not loaded:
            gr.Markdown("No VAE checkpoint is loaded.")
            return
        gr.Markdown(INTRO)
        model = gr.Radio(model_choices(lab, TITLES), value=loaded[0], label="Model")
        view = latent_view(handlers, loaded[0])
        own = own_digit()
        walk = between(handlers, loaded[0])
        first = lab.checkpoints[loaded[0]]
        explained = panel(VAE_INTRO, first.model, vae_words(decoded_elbo(first.model, handlers.explorer.origin(first)),
                                                             handlers.explorer.origin(first).tolist()),
                          measure="Measure the digit the sliders show")
        wire(handlers, model, view, own, walk, explained)
