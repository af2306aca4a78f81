"""Classify tab: draw or upload a digit, pick a model, see what it reads, what it saw and why. As a
visitor draws, or gives a picture to the upload box, the page itself turns it into the model's input, reads it
and draws what drove the answer (ui/web/classify.js, ui/web/upload.js), asking the server nothing; the server
reads them where the page cannot run the model, and serves API clients (/classify)."""
from dataclasses import dataclass
from typing import NamedTuple

import gradio as gr

from genlab.inference.classify import GUESS, PREPROCESSED, UNSURE_BELOW, VERDICT, Reading, read_digit
from genlab.inference.preprocess import InputError, open_drawing, open_image
from genlab.serve.export import EXPLAINER
from genlab.serve.lab import MINE, Lab
from genlab.serve.web_models import WEB_MODELS
from ui.cards import confusion_html, model_card
from ui.choices import ModelChoice
from ui.common import CHEAP, answers, model_choices, runs_a_model, user_of
from ui.gradio_internals import ImageFile, Picture
from ui.web import LIVE_CSS, LiveSpec, drawing_pad, page_component, upload_box
from ui.whats_happening import CLASSIFY_INTRO, CLASSIFY_LINE, CLASSIFY_READ, CLASSIFY_UNREAD, classify_words, drawn, panel

TITLES = {"cnn": "CNN (pretrained)", "mlp": "MLP (pretrained)"}
INVITATION = "Draw a digit in the box, or upload an image."
PAD_ID, UPLOAD_ID, LIVE_ID = "digit-pad", "genlab-classify-upload", "genlab-classify-live"
UPLOAD_BOX_ID = "genlab-classify-upload-box"  # the page's own upload (ui/web/upload.js); UPLOAD_ID is the server's
UPLOAD_LABEL = "...or upload an image"
SEEN_ID, WHY_ID = "genlab-classify-seen", "genlab-classify-why"
SEEN, WHY = "What the model sees", "What drove the answer"
FROM_UPLOAD, FROM_DRAWING = "Read from the uploaded image.", "Read from your drawing."
SIDE = 224  # each picture's width on screen: a 28x28 input, 8 screen pixels a pixel
PAGE_PICTURES = (
    f'<div class="genlab-live genlab-classify-pictures">'
    f'<figure><span class="genlab-live-title">{SEEN}</span><canvas data-picture="seen" width="28" height="28" '
    f'aria-label="{SEEN}"></canvas></figure>'
    f'<figure><span class="genlab-live-title">{WHY}</span><canvas data-picture="why" width="28" height="28" '
    f'aria-label="{WHY}"></canvas></figure><div class="genlab-notice"></div></div>')
PAGE_CSS = LIVE_CSS + f"""
.genlab-classify-pictures {{ display: flex; flex-wrap: wrap; gap: 12px; }}
.genlab-classify-pictures figure {{ margin: 0; }}
.genlab-classify-pictures canvas {{ width: {SIDE}px; height: {SIDE}px; image-rendering: pixelated; }}
.genlab-classify-pictures .genlab-notice {{ flex-basis: 100%; }}
"""
SHOW_READING = "() => window.genlab.readings.classify"  # the page's reading into Gradio's blocks, in the page alone
WORDS_OF = "(reading) => window.genlab.classifyWords(reading)"  # What's happening's words for any reading, in the page


@dataclass(frozen=True, kw_only=True)
class ClassifySpec(LiveSpec):
    """What ui/web/classify.js reads a drawing with: the chosen classifier's explainer graph is the spec's
    reader (probabilities and heat map); the drawing pad it follows, the page's upload box it reads too (shown
    while the page reads; the server's upload shows otherwise), and the parts the server's words are made of, so
    that the page's reading reads as the server's (genlab.inference.classify's summary, ui.whats_happening's
    classify_words)."""

    pad: str
    upload: str
    summary: dict
    words: dict


def classify_spec(reader: str | None, why: str) -> ClassifySpec:
    return ClassifySpec(
        reader=reader, why=why, server_blocks=(SEEN_ID, WHY_ID, UPLOAD_ID), pad=PAD_ID, upload=UPLOAD_BOX_ID,
        summary={"verdict": VERDICT, "guess": GUESS, "unsure_below": UNSURE_BELOW, "preprocessed": PREPROCESSED,
                 "source": FROM_DRAWING, "from_upload": FROM_UPLOAD, "invitation": INVITATION},
        words={"unread": CLASSIFY_UNREAD, "before": CLASSIFY_READ[0], "line": CLASSIFY_LINE, "after": CLASSIFY_READ[1]})


def shown(reading: Reading, source: str) -> tuple:
    """What a reading shows, saying which input it read (a drawing and an upload can both be on screen)."""
    return reading.probabilities, *reading.pictures(), f"{reading.summary()} {source}"


def unread(status: str) -> tuple:
    return None, None, None, status


class Handlers:
    """What the tab's events do, on the lab's classifiers: callable without building the tab."""

    def __init__(self, lab: Lab):
        self.lab = lab

    def classifier(self, model: str, request: gr.Request | None):
        return self.lab.checkpoint(model, "classifier", user_of(request)).model

    def live_spec(self, model: str, request: gr.Request | None) -> ClassifySpec:
        """What the page needs to read drawings with this classifier itself (ui/web/classify.js)."""
        return classify_spec(*WEB_MODELS.try_url(self.lab.checkpoint(model, "classifier", user_of(request)),
                                                 keep=model != MINE, part=EXPLAINER))

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
                return unread(INVITATION)
            return shown(read_digit(self.classifier(model, request), image, self.lab.device), FROM_DRAWING)
        except InputError as err:
            return unread(f"⚠ {err}")

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
                spec = handlers.live_spec(loaded[0], None) if loaded else classify_spec(None, "")
                in_page = page_component("classify.js", spec, LIVE_ID, PAGE_PICTURES, PAGE_CSS,
                                         elem_classes=["genlab-live-picture"])
                seen = Picture(label=SEEN, interactive=False, format="png", height=SIDE, buttons=[],
                               elem_classes=["pixelated", "captioned"], elem_id=SEEN_ID)
                why = Picture(label=WHY, interactive=False, format="png", height=SIDE, buttons=[],
                              elem_classes=["captioned"], elem_id=WHY_ID)
            gr.Markdown("Left: your drawing cropped, scaled and centred into the 28x28 picture the model reads, "
                        "the way MNIST digits were. Right: where its evidence for the answer was (Grad-CAM "
                        "for the CNN, saliency for the MLP); brighter is stronger.")
    with gr.Row():
        choices = model_choices(lab, TITLES)
        model = gr.Radio(choices=choices, value=choices[0][1], label="Model")
        upload_box(UPLOAD_LABEL, UPLOAD_BOX_ID)
        upload = ImageFile(label=UPLOAD_LABEL, type="filepath", image_mode=None,
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
    # The page reads a drawing itself and shows its reading in the same blocks, with no server call; where it
    # cannot run the model it asks the server instead (ui/web/classify.js triggers these).
    page.in_page.select(None, None, [page.label, page.status], js=SHOW_READING)
    page.in_page.input(runs_a_model(handlers.classify_drawing), [page.pad, page.model], outputs,
                       api_visibility="private", trigger_mode="always_last", show_progress="hidden", **CHEAP)
    page.upload.upload(runs_a_model(handlers.classify), [page.upload, page.model], outputs, api_name="classify",
                       **CHEAP)
    page.upload.clear(lambda: unread(INVITATION), None, outputs, api_visibility="private", queue=False)
    choice = ModelChoice(handlers.lab, "classifier", page.model)
    # After a choice the page took, the page reads the drawing again itself (its new spec comes in).
    choice.on_server(runs_a_model(handlers.reclassify), [page.pad, page.upload, page.model], outputs, **CHEAP)
    choice.redraws(answers(handlers.card), [page.card_text, page.card_matrix], **CHEAP)
    choice.redraws(answers(handlers.diagram), page.diagram, **CHEAP)
    choice.redraws(answers(handlers.page_reader), page.in_page, **CHEAP)
    page.label.change(None, page.label, page.explained, js=WORDS_OF)


def build(lab: Lab) -> None:
    with gr.Tab("Classify", id="classify"):
        handlers = Handlers(lab)
        wire(handlers, layout(handlers))
