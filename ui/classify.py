"""Classify tab: draw or upload a digit, pick a model, see what it reads, what it saw and why."""
import gradio as gr
import numpy as np

from genlab.classify import Reading, read_digit
from genlab.images import overlay, upscale
from genlab.preprocess import InputError, open_image
from ui.cards import confusion_html, model_card
from ui.common import CHEAP, ImageFile, Lab, MINE, Picture, Sketch, on_gpu

SHOW = 8  # 28x28 is shown 224x224
CLASSIFIERS = {"cnn": "CNN", "mlp": "MLP"}


def pictures(reading: Reading) -> tuple[np.ndarray, np.ndarray]:
    """The model's 28x28 input, enlarged, and the heat map blended over it at the same size."""
    seen = upscale((reading.digit * 255).round().astype(np.uint8), SHOW)
    heat = np.asarray(reading.heat, dtype=np.float32)
    heat = np.kron(heat, np.ones((SHOW, SHOW), dtype=np.float32))  # blocky but honest: one cell per pixel
    return seen, overlay(upscale(reading.digit, SHOW), heat)


def build(lab: Lab) -> None:
    names = [n for n in CLASSIFIERS if n in lab.checkpoints or n in lab.errors]
    choices = [(f"{CLASSIFIERS[n]} (pretrained)", n) for n in names] + [("Mine (from the Train tab)", MINE)]

    def classify(image_path: str | None, model_name: str, request: gr.Request = None):
        """Read the digit in an image file with the chosen classifier (cnn, mlp, or mine)."""
        if not image_path:
            raise gr.Error("No image was given: upload a picture of one digit.")
        model = lab.checkpoint(model_name, "classifier", request).model
        try:
            reading = read_digit(model, open_image(image_path), lab.device)
        except InputError as err:
            raise gr.Error(str(err)) from None
        return (reading.probabilities, *pictures(reading), reading.summary())

    def classify_drawing(sketch: dict | None, model_name: str, request: gr.Request = None):
        """Live reading of the sketchpad; a blank or unreadable drawing says so in the status line."""
        composite = (sketch or {}).get("composite")
        if composite is None:
            return None, None, None, "Draw a digit in the box, or upload an image."
        model = lab.checkpoint(model_name, "classifier", request).model
        try:
            reading = read_digit(model, composite, lab.device)
        except InputError as err:
            return None, None, None, f"⚠ {err}"
        return (reading.probabilities, *pictures(reading), reading.summary())

    def reclassify(sketch: dict | None, image_path: str | None, model_name: str, request: gr.Request):
        """A new model choice re-reads whatever is there: the upload if any, else the drawing."""
        if image_path:
            return classify(image_path, model_name, request)
        return classify_drawing(sketch, model_name, request)

    def card(model_name: str, request: gr.Request = None):
        checkpoint = lab.checkpoint(model_name, "classifier", request)
        matrix = checkpoint.meta.get("metrics", {}).get("confusion_matrix")
        return model_card(checkpoint), confusion_html(matrix) if matrix else ""

    with gr.Tab("Classify", id="classify"):
        gr.Markdown("Draw a digit anywhere in the box, at any size, or upload a photo of one. "
                    "It is cropped, scaled and centred the way MNIST digits were before the model reads it.")
        with gr.Row():
            with gr.Column():
                sketch = Sketch(label="Draw a digit", type="numpy", image_mode="RGBA", canvas_size=(360, 360), height=470,
                                brush=gr.Brush(default_size=24, colors=["#000000"], color_mode="fixed"),
                                layers=False, transforms=())
                upload = ImageFile(label="...or upload an image", type="filepath", image_mode=None, sources=["upload", "clipboard"],
                                   height=200)
                model = gr.Radio(choices=choices, value=names[0] if names else None, label="Model")
            with gr.Column():
                label = gr.Label(num_top_classes=3, label="Prediction")
                status = gr.Markdown("Draw a digit in the box, or upload an image.")
                with gr.Row():
                    seen = Picture(label="What the model sees (28x28)", interactive=False, format="png", height=224,
                                    elem_classes=["pixelated"])
                    why = Picture(label="What drove the answer (Grad-CAM / saliency)", interactive=False, format="png", height=224)
        with gr.Accordion("Model card", open=False):
            first_card = card(names[0]) if names and names[0] in lab.checkpoints else ("", "")
            card_text, card_matrix = gr.Markdown(first_card[0]), gr.HTML(first_card[1])

        outputs = [label, seen, why, status]
        sketch.change(on_gpu(classify_drawing), [sketch, model], outputs, api_visibility="private",
                      trigger_mode="always_last", show_progress="hidden", **CHEAP)
        upload.upload(on_gpu(classify), [upload, model], outputs, api_name="classify", **CHEAP)
        upload.clear(lambda: (None, None, None, "Draw a digit in the box, or upload an image."), None, outputs,
                     api_visibility="private", queue=False)
        model.change(on_gpu(reclassify), [sketch, upload, model], outputs, api_visibility="private", **CHEAP)
        model.change(card, model, [card_text, card_matrix], api_visibility="private", **CHEAP)
