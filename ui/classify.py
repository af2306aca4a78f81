"""Classify tab: draw or upload a digit, pick a model, see what it reads, what it saw and why. As a
visitor draws, the page itself turns the drawing into the model's input and reads it (ui/web/classify.js);
the server reads it too when a stroke ends, draws what drove the answer, and reads uploads."""
from dataclasses import dataclass
from typing import NamedTuple

import gradio as gr

from genlab.inference.classify import Reading, read_digit
from genlab.inference.preprocess import InputError, open_drawing, open_image
from genlab.serve.lab import MINE, Lab
from genlab.serve.web_models import WEB_MODELS
from ui.cards import confusion_html, model_card
from ui.common import CHEAP, answers, choose_model, model_choices, runs_a_model, user_of
from ui.gradio_internals import ImageFile, Picture
from ui.web import LiveSpec, drawing_pad, live_component
from ui.whats_happening import CLASSIFY_INTRO, classify_words, drawn, panel

TITLES = {"cnn": "CNN (pretrained)", "mlp": "MLP (pretrained)"}
INVITATION = "Draw a digit in the box, or upload an image."
PAD_ID, UPLOAD_ID, LIVE_ID, SEEN_ID = "digit-pad", "genlab-classify-upload", "genlab-classify-live", "genlab-classify-seen"
SEEN = "What the model sees"


@dataclass(frozen=True, kw_only=True)
class ClassifySpec(LiveSpec):
    """What ui/web/classify.js reads a drawing with: the chosen classifier's graph is the spec's reader; the
    drawing pad it follows, and the upload block whose picture the server reads (its reading then shows)."""

    pad: str
    upload: str


FROM_UPLOAD, FROM_DRAWING = "Read from the uploaded image.", "Read from your drawing."


def shown(reading: Reading, source: str) -> tuple:
    """What a reading shows, saying which input it read (a drawing and an upload can both be on screen)."""
    return (reading.probabilities, *reading.pictures(), f"{reading.summary()} {source}")


class Handlers:
    """What the tab's events do, on the lab's classifiers: callable without building the tab."""

    def __init__(self, lab: Lab):
        self.lab = lab

    def classifier(self, model: str, request: gr.Request | None):
        return self.lab.checkpoint(model, "classifier", user_of(request)).model

    def live_spec(self, model: str, request: gr.Request | None) -> ClassifySpec:
        """What the page needs to read drawings with this classifier itself (ui/web/classify.js)."""
        reader, why = WEB_MODELS.try_url(self.lab.checkpoint(model, "classifier", user_of(request)), keep=model != MINE)
        return ClassifySpec(reader=reader, why=why, server_blocks=(SEEN_ID,), pad=PAD_ID, upload=UPLOAD_ID)

    def page_reader(self, model: str, request: gr.Request) -> str:
        return self.live_spec(model, request).to_json()

    def classify(self, image: str | None, model: str, request: gr.Request):
        """Read the digit in an image file with the chosen classifier (cnn, mlp, or mine)."""
        if not image:
            raise gr.Error("No image was given: upload a picture of one digit.")
        return shown(read_digit(self.classifier(model, request), open_image(image), self.lab.device), FROM_UPLOAD)

    def classify_drawing(self, drawing: str | None, model: str, request: gr.Request):
        """Live reading of the drawing pad; a blank or unreadable drawing says so in the status line."""
        try:
            image = open_drawing(drawing)
            if image is None:
                return None, None, None, INVITATION
            return shown(read_digit(self.classifier(model, request), image, self.lab.device), FROM_DRAWING)
        except InputError as err:
            return None, None, None, f"⚠ {err}"

    def reclassify(self, drawing: str | None, image: str | None, model: str, request: gr.Request):
        """A new model choice re-reads whatever is there: the upload if any, else the drawing."""
        if image:
            return self.classify(image, model, request)
        return self.classify_drawing(drawing, model, request)

    def diagram(self, model: str, request: gr.Request) -> str:
        return drawn(self.classifier(model, request))

    def card(self, model: str, request: gr.Request):
        checkpoint = self.lab.checkpoint(model, "classifier", user_of(request))
        matrix = checkpoint.meta.get("metrics", {}).get("confusion_matrix")
        return model_card(checkpoint, mine=model == MINE), confusion_html(matrix) if matrix else ""


class Page(NamedTuple):
    """The drawing or upload, what the model reads in it, and the model's card."""
    pad: gr.HTML
    label: gr.Label
    status: gr.Markdown
    seen: Picture
    why: Picture
    model: gr.Radio
    in_page: gr.HTML
    upload: ImageFile
    card_text: gr.Markdown
    card_matrix: gr.HTML
    diagram: gr.HTML
    explained: gr.Markdown

    def outputs(self) -> list[gr.components.Component]:
        """What a reading shows, in the order shown() gives it."""
        return [self.label, self.seen, self.why, self.status]


def layout(handlers: Handlers) -> Page:
    lab = handlers.lab
    gr.Markdown("Draw a digit anywhere in the box, at any size: a network reads it as you draw.")
    loaded = [name for name in TITLES if name in lab.checkpoints]
    with gr.Row():
        with gr.Column(min_width=300):
            pad = drawing_pad("Draw a digit", elem_id=PAD_ID)
        with gr.Column(min_width=300):
            label = gr.Label(num_top_classes=3, label="Prediction")
            status = gr.Markdown(INVITATION)
            with gr.Row():
                spec = (handlers.live_spec(loaded[0], None) if loaded
                        else ClassifySpec(reader=None, why="", server_blocks=(SEEN_ID,), pad=PAD_ID, upload=UPLOAD_ID))
                in_page = live_component("classify.js", spec, LIVE_ID, 224, title=SEEN)
                seen = Picture(label=SEEN, interactive=False, format="png", height=224, buttons=[],
                               elem_classes=["pixelated", "captioned"], elem_id=SEEN_ID)
                why = Picture(label="What drove the answer", interactive=False, format="png", height=224,
                              buttons=[], elem_classes=["captioned"])
            gr.Markdown("Left: your drawing cropped, scaled and centred into the 28x28 picture the model reads, "
                        "the way MNIST digits were. Right: where its evidence for the answer was (Grad-CAM "
                        "for the CNN, saliency for the MLP); brighter is stronger.")
    with gr.Row():
        choices = model_choices(lab, TITLES)
        model = gr.Radio(choices=choices, value=choices[0][1], label="Model")
        upload = ImageFile(label="...or upload an image", type="filepath", image_mode=None,
                           sources=["upload", "clipboard"], height=200, elem_id=UPLOAD_ID)
    with gr.Accordion("Model card", open=False):
        first = lab.checkpoints[loaded[0]] if loaded else None
        card_text = gr.Markdown(model_card(first) if first else "")
        matrix = first.meta["metrics"].get("confusion_matrix") if first else None
        card_matrix = gr.HTML(confusion_html(matrix) if matrix else "")
    diagram, explained, _ = (panel(CLASSIFY_INTRO, first.model, classify_words(None)) if first
                             else (gr.HTML(), gr.Markdown(), None))
    return Page(pad, label, status, seen, why, model, in_page, upload, card_text, card_matrix, diagram, explained)


def wire(handlers: Handlers, page: Page) -> None:
    outputs = page.outputs()
    page.pad.input(runs_a_model(handlers.classify_drawing), [page.pad, page.model], outputs,
                       api_visibility="private", trigger_mode="always_last", show_progress="hidden", **CHEAP)
    page.upload.upload(runs_a_model(handlers.classify), [page.upload, page.model], outputs, api_name="classify",
                       **CHEAP)
    page.upload.clear(lambda: (None, None, None, INVITATION), None, outputs, api_visibility="private", queue=False)
    chosen = choose_model(handlers.lab, "classifier", page.model)
    chosen.success(runs_a_model(handlers.reclassify), [page.pad, page.upload, page.model], outputs,
                   api_visibility="private", **CHEAP)
    chosen.success(answers(handlers.card), page.model, [page.card_text, page.card_matrix], api_visibility="private",
                   **CHEAP)
    chosen.success(answers(handlers.diagram), page.model, page.diagram, api_visibility="private", **CHEAP)
    chosen.success(answers(handlers.page_reader), page.model, page.in_page, api_visibility="private", **CHEAP)
    page.label.change(classify_words, page.label, page.explained, api_visibility="private", queue=False,
                      show_progress="hidden")


def build(lab: Lab) -> None:
    with gr.Tab("Classify", id="classify"):
        handlers = Handlers(lab)
        wire(handlers, layout(handlers))
