"""VAE explorer tab: drag latent sliders and watch digits decode, explore the 2-D map, encode your
own drawing, and interpolate between digits."""
import math
from collections import OrderedDict

import gradio as gr
import numpy as np
import torch

from genlab.classify import captions
from genlab.data import DataMissingError, load_mnist
from genlab.images import captioned_grid, upscale
from genlab.latent import CLASS_COLOURS, draw_map, grid_codes, path, to_code
from genlab.preprocess import InputError, open_image, prepare_digit
from genlab.checkpoint import Checkpoint
from ui.common import CHEAP, ImageFile, Lab, MINE, NumberSlider, Picture, Sketch, WholeNumber, gif_file, on_gpu

SLIDERS = 16  # the most latent dimensions a slider can reach
MAIN_SLIDERS = 6  # shown at once; the rest sit under "More dimensions"
EXTENT = 3.0  # sliders and the map span [-3, 3], three prior standard deviations
MAP_CELLS = 15
MAPS_KEPT = 8  # 2-D maps kept in memory (the pretrained one and the latest users' own), least recently used out
MAX_FRAMES = 64
NAMES = {"vae2d": "VAE, 2-D latent", "vae": "VAE, 16-D latent", MINE: "Mine (from the Train tab)"}


class Explorer:
    """The backend calls of the tab, for one loaded checkpoint set; no Gradio widgets in here."""

    def __init__(self, lab: Lab):
        self.lab = lab
        self.names = [n for n in NAMES if n in lab.checkpoints or n in lab.errors]
        self.reader = lab.checkpoints["cnn"].model if "cnn" in lab.checkpoints else None
        self.maps: OrderedDict[str, tuple[np.ndarray, np.ndarray, torch.Tensor]] = OrderedDict()
        self._test = None

    def order(self, vae: Checkpoint) -> list[int]:
        """Latent dimensions, most used (largest KL on the test set) first."""
        return vae.meta["metrics"].get("dimension_order") or list(range(vae.meta["config"]["latent"]))

    def test_split(self):
        if self._test is None:
            self._test = load_mnist(train=False)
        return self._test

    def code(self, vae: Checkpoint, values) -> torch.Tensor:
        """Slider values (most-used dimension first) -> the latent vector; refuses NaN and infinity."""
        order = self.order(vae)
        values = [float(v) for v in values]
        if not all(math.isfinite(v) for v in values):
            raise gr.Error("Latent values must be finite numbers.")
        z = torch.zeros(len(order))
        for slot, dim in enumerate(order[:SLIDERS]):
            z[dim] = max(-EXTENT, min(EXTENT, values[slot])) if slot < len(values) else 0.0
        return z

    def sliders_for(self, vae: Checkpoint, z: torch.Tensor) -> list[float]:
        order = self.order(vae)
        values = [round(float(z[dim].clamp(-EXTENT, EXTENT)), 2) for dim in order[:SLIDERS]]
        return values + [0.0] * (SLIDERS - len(values))

    @torch.no_grad()
    def decode(self, vae: Checkpoint, z: torch.Tensor) -> tuple[np.ndarray, str]:
        image = vae.model.decode(z.view(1, -1).to(self.lab.device)).cpu()
        picture = upscale(255 - (image[0, 0].numpy() * 255).round().astype(np.uint8), 8)
        reading = captions(self.reader, image)[0]
        return picture, (f"The CNN reads this as **{reading}**." if reading else "")

    @torch.no_grad()
    def map_parts(self, vae: Checkpoint):
        """The decoded grid and the test set's encodings for a 2-D model, computed once per checkpoint and
        kept for the MAPS_KEPT most recently used ones (users' own 2-D VAEs come and go)."""
        key = str(vae.path)
        if key in self.maps:
            self.maps.move_to_end(key)
        else:
            model = vae.model
            decoded = model.decode(grid_codes(EXTENT, MAP_CELLS).to(self.lab.device)).cpu()
            try:
                test = self.test_split()
                points = torch.cat([model.encode(test.images[i:i + 2000].to(self.lab.device))[0].cpu()
                                    for i in range(0, len(test), 2000)]).numpy()
                labels = test.labels.numpy()
            except DataMissingError:
                points, labels = np.zeros((0, 2)), np.zeros(0, int)
            self.maps[key] = (points, labels, decoded)
            if len(self.maps) > MAPS_KEPT:
                self.maps.popitem(last=False)
        return self.maps[key]

    def draw(self, vae: Checkpoint, z: torch.Tensor | None) -> np.ndarray | None:
        if vae.meta["config"]["latent"] != 2:
            return None
        points, labels, decoded = self.map_parts(vae)
        marker = None if z is None else (float(z[0]), float(z[1]))
        return draw_map(decoded, MAP_CELLS, points[:3000], labels[:3000], EXTENT, marker)

    @torch.no_grad()
    def encode_picture(self, vae: Checkpoint, picture) -> torch.Tensor:
        """The mean code of a drawn or uploaded digit, after the classifier's preprocessing."""
        try:
            digit = prepare_digit(picture).digit
        except InputError as err:
            raise gr.Error(str(err)) from None
        mean, _ = vae.model.encode(torch.from_numpy(digit).view(1, 1, 28, 28).to(self.lab.device))
        return mean[0].cpu()

    def endpoint(self, vae: Checkpoint, source: str, number: float, sliders, sketch, upload) -> torch.Tensor:
        """One end of an interpolation, from the chosen source."""
        latent = vae.meta["config"]["latent"]
        if source == "test digit":
            try:
                test = self.test_split()
            except DataMissingError as err:
                raise gr.Error(str(err)) from None
            if not (0 <= number < len(test)) or number != int(number):
                raise gr.Error(f"Test digit numbers run from 0 to {len(test) - 1}.")
            with torch.no_grad():
                return vae.model.encode(test.images[int(number)][None].to(self.lab.device))[0][0].cpu()
        if source == "random":
            return torch.randn(latent, generator=torch.Generator().manual_seed(seed_value(number)))
        if source == "current sliders":
            return self.code(vae, sliders)
        picture = drawing_or_upload(sketch, upload)
        return self.encode_picture(vae, picture)


def seed_value(number: float | None) -> int:
    if number is None or not math.isfinite(number) or number != int(number) or not 0 <= number < 2**32:
        raise gr.Error("A seed is a whole number from 0 to 4294967295.")
    return int(number)


def drawing_or_upload(sketch: dict | None, upload: str | None):
    if upload:
        try:
            return open_image(upload)
        except InputError as err:
            raise gr.Error(str(err)) from None
    composite = (sketch or {}).get("composite")
    if composite is None:
        raise gr.Error("Draw a digit (or upload one) under 'Encode your own' first.")
    return composite


def legend_html() -> str:
    chips = "".join(f'<span style="color:rgb{tuple(int(c) for c in CLASS_COLOURS[d])};font-weight:700">●{d}</span> '
                    for d in range(10))
    return f"<div>Test digits, coloured by their true class: {chips}. Click the map to decode that point.</div>"


def build(lab: Lab) -> None:
    explorer = Explorer(lab)
    names = explorer.names
    first = names[0] if names else None

    def vae_named(name: str, request: gr.Request | None) -> Checkpoint:
        return lab.checkpoint(name, "vae", request)

    def slider_props(vae: Checkpoint, z: torch.Tensor) -> list[dict]:
        """Label, visibility and value of every slider for this model."""
        kl = vae.meta["metrics"].get("kl_per_dim", [])
        order, values = explorer.order(vae), explorer.sliders_for(vae, z)
        props = []
        for slot in range(SLIDERS):
            if slot < len(order):
                used = f", KL {kl[order[slot]]:.1f} nats" if order[slot] < len(kl) else ""
                props.append({"value": values[slot], "label": f"z{order[slot] + 1}{used}", "visible": True})
            else:
                props.append({"value": 0.0, "label": "unused", "visible": False})
        return props

    def slider_updates(vae: Checkpoint, z: torch.Tensor) -> list:
        return [gr.Slider(**props) for props in slider_props(vae, z)]

    def show(vae: Checkpoint, z: torch.Tensor, note: str = "", relabel: bool = False):
        """Sliders (plain values, or full updates when the model changed), decoded digit, reading, map.
        The code is clamped to the sliders' range first, so what is shown is what the sliders hold."""
        z = z.clamp(-EXTENT, EXTENT)
        picture, reading = explorer.decode(vae, z)
        sliders_out = slider_updates(vae, z) if relabel else explorer.sliders_for(vae, z)
        return [*sliders_out, picture, (note + " " + reading).strip(), explorer.draw(vae, z)]

    def origin(vae: Checkpoint) -> torch.Tensor:
        return torch.zeros(len(explorer.order(vae)))

    def decode(name: str, request: gr.Request, *values: float):
        """Decode the latent code given by the slider values (most-used dimension first)."""
        vae = vae_named(name, request)
        return explorer.decode(vae, explorer.code(vae, values))

    def redraw_map(name: str, request: gr.Request, *values: float):
        vae = vae_named(name, request)
        return explorer.draw(vae, explorer.code(vae, values))

    def switch_model(name: str, request: gr.Request):
        vae = vae_named(name, request)
        more = len(explorer.order(vae)) > MAIN_SLIDERS
        two_d = vae.meta["config"]["latent"] == 2
        return [*show(vae, origin(vae), relabel=True), gr.Accordion(visible=more), gr.Column(visible=two_d)]

    def click_map(name: str, event: gr.SelectData, request: gr.Request):
        x, y = event.index
        z = torch.tensor(to_code(x, y, EXTENT, MAP_CELLS * 28))
        return show(vae_named(name, request), z, f"Decoded the point ({z[0]:.2f}, {z[1]:.2f}).")

    def random_code(name: str, seed: float, request: gr.Request):
        vae = vae_named(name, request)
        z = torch.randn(len(explorer.order(vae)), generator=torch.Generator().manual_seed(seed_value(seed)))
        clamped = " (values beyond ±3 clamped to the sliders)" if z.abs().max() > EXTENT else ""
        return [*show(vae, z, f"A sample from the prior with seed {int(seed)}{clamped}."), int(seed) + 1]

    def reset(name: str, request: gr.Request):
        vae = vae_named(name, request)
        return show(vae, origin(vae), "Back to the origin.")

    def encode(name: str, sketch: dict | None, upload: str | None, request: gr.Request):
        vae = vae_named(name, request)
        z = explorer.encode_picture(vae, drawing_or_upload(sketch, upload))
        shown = show(vae, z, "The sliders jumped to your digit's code.")
        return [*shown, shown[SLIDERS]]  # the reconstruction is the decoded digit

    def interpolate(name: str, source_a: str, number_a: float, source_b: str, number_b: float, frames: float,
                    spherical: str, sketch: dict | None, upload: str | None, request: gr.Request,
                    *values: float):
        if frames is None or not math.isfinite(frames) or not 2 <= frames <= MAX_FRAMES:
            raise gr.Error(f"Frames must be between 2 and {MAX_FRAMES}.")
        vae = vae_named(name, request)
        a = explorer.endpoint(vae, source_a, number_a, values, sketch, upload)
        b = explorer.endpoint(vae, source_b, number_b, values, sketch, upload)
        codes = path(a, b, int(frames), spherical == "spherical")
        with torch.no_grad():
            images = vae.model.decode(codes.to(lab.device)).cpu()
        return captioned_grid(images, captions(explorer.reader, images), columns=len(images)), gif_file(images)

    with gr.Tab("VAE explorer", id="explore"):
        if not names:
            gr.Markdown("No VAE checkpoint is loaded.")
            return
        gr.Markdown("Drag a slider: the decoder turns the latent code into a digit as you move. "
                    "The CNN's reading under it says how legible the digit is.")
        model = gr.Radio([(NAMES[n], n) for n in names + [MINE]], value=first, label="Model")
        first_vae = lab.checkpoint(first, "vae")
        with gr.Row():
            start_picture, start_reading = explorer.decode(first_vae, origin(first_vae))
            with gr.Column(scale=1, min_width=240):
                decoded = Picture(start_picture, label="Decoded digit", interactive=False, format="png", height=240, width=240,
                                   buttons=["download"], elem_classes=["pixelated"])
                reading = gr.Markdown(start_reading)
                with gr.Row():
                    seed = WholeNumber(value=0, precision=0, label="Seed", minimum=0, maximum=2**32 - 1)
                    random_button = gr.Button("Random sample")
                    reset_button = gr.Button("Reset")
            with gr.Column(scale=1, min_width=260):
                props = slider_props(first_vae, origin(first_vae))
                sliders = [NumberSlider(-EXTENT, EXTENT, step=0.01, **props[i]) for i in range(MAIN_SLIDERS)]
                with gr.Accordion("More dimensions", open=False, visible=props[MAIN_SLIDERS]["visible"]) as more:
                    sliders += [NumberSlider(-EXTENT, EXTENT, step=0.01, **props[i]) for i in range(MAIN_SLIDERS, SLIDERS)]
            start_map = explorer.draw(first_vae, origin(first_vae))
            with gr.Column(scale=2, min_width=300, visible=start_map is not None) as map_column:
                latent_map = Picture(start_map, label="The 2-D latent space (click to decode)", interactive=False, format="png",
                                      height=420, width=420)
                gr.HTML(legend_html())
        with gr.Accordion("Encode your own digit", open=False):
            with gr.Row():
                sketch = Sketch(label="Draw a digit", type="numpy", image_mode="RGBA", canvas_size=(280, 280),
                                brush=gr.Brush(default_size=20, colors=["#000000"], color_mode="fixed"),
                                layers=False, transforms=())
                upload = ImageFile(label="...or upload one", type="filepath", image_mode=None,
                                   sources=["upload", "clipboard"], height=200)
                reconstruction = Picture(label="Reconstruction", interactive=False, format="png", height=224, width=224,
                                          elem_classes=["pixelated"])
            encode_button = gr.Button("Encode")
        with gr.Accordion("Interpolate between two digits", open=False):
            with gr.Row():
                sources = ["test digit", "random", "current sliders", "my drawing"]
                source_a = gr.Radio(sources, value="test digit", label="From")
                number_a = WholeNumber(value=0, precision=0, label="Test digit number or seed")
                source_b = gr.Radio(sources, value="test digit", label="To")
                number_b = WholeNumber(value=1, precision=0, label="Test digit number or seed")
            with gr.Row():
                frames = NumberSlider(2, MAX_FRAMES, value=10, step=1, label="Frames")
                spherical = gr.Radio(["linear", "spherical"], value="spherical", label="Path")
                interpolate_button = gr.Button("Interpolate")
            strip = Picture(label="Frames, with the CNN's reading of each", interactive=False, format="png",
                             elem_classes=["pixelated"])
            animation = gr.Image(label="Animation", type="filepath", interactive=False, height=140, width=140,
                                 elem_classes=["pixelated"])

        shown = [*sliders, decoded, reading, latent_map]
        for slider in sliders:
            slider.input(on_gpu(decode), [model, *sliders], [decoded, reading], api_name="decode" if slider is sliders[0]
                         else None, api_visibility="public" if slider is sliders[0] else "private",
                         trigger_mode="always_last", show_progress="hidden", **CHEAP)
            slider.release(on_gpu(redraw_map), [model, *sliders], latent_map, api_visibility="private",
                           show_progress="hidden", **CHEAP)
        model.change(on_gpu(switch_model), model, [*shown, more, map_column], api_visibility="private", **CHEAP)
        latent_map.select(on_gpu(click_map), model, shown, api_visibility="private", **CHEAP)
        random_button.click(on_gpu(random_code), [model, seed], [*shown, seed], api_name="random_code", **CHEAP)
        reset_button.click(on_gpu(reset), model, shown, api_visibility="private", **CHEAP)
        encode_button.click(on_gpu(encode), [model, sketch, upload], [*shown, reconstruction], api_name="encode", **CHEAP)
        interpolate_button.click(on_gpu(interpolate), [model, source_a, number_a, source_b, number_b, frames, spherical,
                                               sketch, upload, *sliders], [strip, animation],
                                 api_name="interpolate", **CHEAP)
