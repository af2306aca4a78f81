"""Choosing a model on a tab's radio (ModelChoice). What a choice redraws from the model alone (the page
modules' specs, the sliders' labels, the card, the diagram) the server answers once per pretrained model, the
first time a page asks (/genlab/choices.json), and the page replays it into the same blocks (ui/web/choices.js)
without a server call. The server still takes what it alone can: a visitor's own model (Mine, which it checks
first), a tab whose models the page cannot run (the server draws there, an upload to the server's box included:
it reads it again with the new model). What reads more than the model (What's happening's figures of what is on
screen, the Text GAN's table) the server answers after a choice it took, and the page module after one the page
took. The static site replays the same answers, recorded when it is written (ui/site.py)."""
import asyncio
import hashlib
import json
from pathlib import Path

import gradio as gr
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from genlab.core.errors import RequestError
from genlab.serve.lab import MINE, Lab
from ui.common import CHEAP, MODEL_RADIO, user_of
from ui.gradio_internals import answer_of, listener_of, with_files

CHOICES_PATH = "genlab/choices"  # CHOICES_PATH.json: the answers; CHOICES_PATH/NAME: the pictures in them
MODULE = "new URL('genlab/web/choices.js', document.baseURI).href"
DECIDE = "async (model) => (await import(" + MODULE + ")).decide('{radio}', model)"
REPLAY = "async (model) => (await import(" + MODULE + ")).replay('{radio}', model, {ids})"


class ModelChoice:
    """A tab's model radio and what a choice on it redraws. A tab says what each listener reads: `redraws` (the
    model alone: replayed in the page), `on_server` (more than the model, answered only after a choice the server
    took: the page does it itself when it replays).
    Choosing Mine before having one says why, once, and puts the radio back on the model chosen before."""

    def __init__(self, lab: Lab, family: str, radio: gr.Radio):
        radio.elem_id = radio.elem_id or MODEL_RADIO.format(family=family)  # the static site's model file finds it so
        self.radio = radio
        self.before = gr.Textbox(radio.value, visible=False)  # the model chosen before (the page sets it too)
        self.decided = radio.input(None, radio, None, js=DECIDE.format(radio=radio.elem_id), trigger_mode="always_last",
                                   show_progress="hidden")

        def choose(model: str, last: str, request: gr.Request) -> tuple[str, str]:
            if model == MINE:
                try:
                    lab.checkpoint(MINE, family, user_of(request))
                except RequestError as err:
                    gr.Warning(str(err))
                    return last, last
            return model, model

        self.chosen = self.decided.failure(choose, [radio, self.before], [radio, self.before], api_visibility="private",
                                           show_progress="hidden", **CHEAP)
        self.replayed: list[gr.components.Component] = [self.before]  # the blocks the page's replay sets
        self.recorded: list[int] = []  # the listeners whose answers are recorded
        radio.genlab_choice = self  # finish_choices() finds it

    def redraws(self, fn, outputs, page_draws=(), **listener) -> None:
        """A listener on the model alone: the server's answer after a choice it took; recorded, replayed in the page,
        but for the `page_draws` among its outputs (the server's pictures, hidden while the page draws its own)."""
        outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
        event = self.chosen.success(fn, self.radio, outputs, api_visibility="private", **listener)
        self.recorded.append(listener_of(event))
        self.replayed += [output for output in outputs if output not in self.replayed and output not in page_draws]

    def on_server(self, fn, inputs, outputs, **listener) -> None:
        """A listener the server runs after a choice it took; after one the page took, the page does its work."""
        self.chosen.success(fn, inputs, outputs, api_visibility="private", **listener)

    def finish(self) -> None:
        """The page's replay of the recorded answers."""
        ids = json.dumps([output._id for output in self.replayed[1:]])
        self.decided.success(None, self.radio, self.replayed, js=REPLAY.format(radio=self.radio.elem_id, ids=ids),
                             show_progress="hidden")


def choices_of(blocks: gr.Blocks) -> list[ModelChoice]:
    return [choice for block in blocks.blocks.values() if (choice := getattr(block, "genlab_choice", None))]


def finish_choices(blocks: gr.Blocks) -> None:
    """Every model radio's replay in the page; inside `blocks`' context, once every tab is wired."""
    for choice in choices_of(blocks):
        choice.finish()


def chain_of(config: dict, radio: int) -> list[int]:
    """The listeners the server runs after it took a choice on a model radio (a ModelChoice's redraws and on_server),
    from a page config (Blocks.get_config_file())."""
    decided = {d["id"] for d in config["dependencies"] if [radio, "input"] in map(list, d["targets"])}
    checked = {d["id"] for d in config["dependencies"] if d.get("trigger_after") in decided and d["backend_fn"]}
    return [d["id"] for d in config["dependencies"] if d.get("trigger_after") in checked and d["backend_fn"]]


async def answered(blocks: gr.Blocks, config: dict, radio: int, model: str, request: gr.Request | None = None,
                   listeners: list[int] | None = None) -> list:
    """What the server answers choosing `model` on a model radio (for `request`'s session), as Gradio sends it:
    [[component id, value or update], ...], from `listeners` (by default its whole chain_of). The other inputs
    are the page's first."""
    values = {component["id"]: component["props"].get("value") for component in config["components"]}
    found = {listener["id"]: listener for listener in config["dependencies"]}
    answers = []
    for listener in chain_of(config, radio) if listeners is None else listeners:
        inputs = [model if i == radio else values[i] for i in found[listener]["inputs"]]
        answers += zip(found[listener]["outputs"], await answer_of(blocks, listener, inputs, request))
    return [list(answer) for answer in answers]


class Recording:
    """A served app's recorded answers, made the first time a page asks: {radio elem_id: {model: [[component id,
    value], ...]}}, each picture in them kept here and served under CHOICES_PATH/."""

    def __init__(self):
        self.made: asyncio.Task | None = None
        self.pictures: dict[str, bytes] = {}

    async def answers(self, blocks: gr.Blocks) -> dict:
        if self.made is None:
            self.made = asyncio.ensure_future(self.record(blocks))
        return await asyncio.shield(self.made)

    async def record(self, blocks: gr.Blocks) -> dict:
        config = blocks.get_config_file()

        def kept(path: Path, data: bytes) -> str:
            name = f"{hashlib.sha256(data).hexdigest()[:20]}{path.suffix}"
            self.pictures[name] = data
            return f"{CHOICES_PATH}/{name}"

        recorded = {}
        for choice in choices_of(blocks):
            models = [value for _, value in choice.radio.choices if value != MINE]
            recorded[choice.radio.elem_id] = {
                model: with_files(await answered(blocks, config, choice.radio._id, model, listeners=choice.recorded), kept)
                for model in models}
        return recorded


async def recorded_answers(request: Request) -> Response:
    blocks = request.app.get_blocks()
    recording = blocks.__dict__.setdefault("genlab_recording", Recording())
    try:
        answers = await recording.answers(blocks)
    except Exception:  # a handler failed: kept so (not made again for each stranger); the page takes the server's path
        return Response("The server answers model choices itself now.", status_code=503)
    return JSONResponse(answers, headers={"Cache-Control": "private, max-age=3600"})


async def recorded_picture(request: Request) -> Response:
    recording = request.app.get_blocks().__dict__.get("genlab_recording")
    data = recording.pictures.get(request.path_params["name"]) if recording else None
    if data is None:
        return Response("No such picture.", status_code=404)
    return Response(data, media_type="image/png" if request.path_params["name"].endswith(".png") else None,
                    headers={"Cache-Control": "private, max-age=3600"})


def routes() -> list[BaseRoute]:
    return [Route(f"/{CHOICES_PATH}.json", recorded_answers), Route(f"/{CHOICES_PATH}/{{name}}", recorded_picture)]
