"""Every place genlab reaches into Gradio 6.31's internals: our subclasses of its components (a
component's data model, its preprocess and postprocess, its block name, its cache folder), the
sweep of that cache, the queue's door, where genlab.serve.fairness decides whether a call may join, and
the guard in front of Gradio's call and upload routes, which answers a malformed request with a 4xx.
tests/unit/test_gradio_internals.py checks each internal these rely on, so a Gradio upgrade that moves
one fails there, loudly, instead of somewhere in a tab."""
import hashlib
import io
import json
import math
import os
import re
import reprlib
import tempfile
import time
from collections.abc import Callable
from email.message import Message as Header
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import gradio as gr
import numpy as np
from gradio import route_utils, routes
from gradio.block_function import BlockFunction
from gradio.components.native_plot import PlotData
from gradio.data_classes import ImageData, PredictBody, SimplePredictBody
from gradio.events import Dependency
from gradio.route_utils import API_PREFIX, GradioMultiPartParser
from gradio_client.utils import construct_args
from PIL import Image as PILImage
from pydantic import BaseModel, ValidationError
from starlette.formparsers import MultiPartException
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from genlab.inference.preprocess import MAX_PIXELS
from genlab.serve.fairness import Fairness


def shown(number: float) -> str:
    """A bound or value as a person writes it: 4294967295, 0.05, 1e-05."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


class Stock:
    """Mixed into our subclasses of Gradio components: the browser draws them with the stock widget
    (get_block_name), and view_api and gr.load describe them as the stock component (get_block_class)."""

    stock: str  # the Gradio component's block name: "slider", "image", ...

    def get_block_name(self) -> str:
        return self.stock

    def get_block_class(self) -> str:
        return self.stock


class NumberSlider(Stock, gr.Slider):
    """A gr.Slider that refuses a value that is not a number with a message naming the slider and its
    range (Gradio's own check fails unreadably on None or text). With `limits` set, the server
    accepts that wider range while the widget shows the narrower one it was built with."""

    limits: tuple[float, float] | None = None  # set after construction: Gradio builds a component's
    # browser config from its __init__ signature, so a subclass must not change that signature

    stock = "slider"

    def preprocess(self, payload):
        low, high = self.limits or (self.minimum, self.maximum)
        if isinstance(payload, bool) or not isinstance(payload, (int, float)) or not math.isfinite(payload):
            raise gr.Error(f"'{self.label}' must be a number from {shown(low)} to {shown(high)}; got {payload!r}.")
        if self.limits is None:
            return super().preprocess(payload)
        if not low <= payload <= high:
            raise gr.Error(f"'{self.label}' must be from {shown(low)} to {shown(high)}; got {shown(payload)}.")
        return payload


class WholeNumber(Stock, gr.Number):
    """A gr.Number for seeds and indices: None, text, NaN and fractions get a message naming the field
    (Gradio's own rounding fails silently on NaN)."""

    stock = "number"

    def preprocess(self, payload):
        whole = (not isinstance(payload, bool) and isinstance(payload, (int, float)) and math.isfinite(payload)
                 and payload == int(payload))
        if not whole:
            bounded = self.minimum is not None and self.maximum is not None
            span = f" from {shown(self.minimum)} to {shown(self.maximum)}" if bounded else ""
            raise gr.Error(f"'{self.label}' must be a whole number{span}; got {payload!r}.")
        return super().preprocess(payload)


@cache
def checked(data_model: type | None, refusal: str) -> type | None:
    """The component's pydantic data model, refusing a payload of the wrong shape with `refusal`.
    Gradio validates a payload against its input's data model before any of the component's code runs,
    and a pydantic error reaches the caller as Gradio's generic "the app raised an exception". The JSON
    schema (what view_api shows, what tells gradio_client an input is a file) stays the original's."""
    if data_model is None:
        return None

    def model_validate(cls, payload, *args, **kwargs):
        try:
            return data_model.model_validate(payload, *args, **kwargs)
        except ValidationError as err:
            raise gr.Error(f"{refusal}; got {reprlib.repr(payload)}.") from err

    return type(data_model.__name__, (data_model,), {"__doc__": data_model.__doc__, "__module__": data_model.__module__,
                                                      "model_validate": classmethod(model_validate)})


class ShapeChecked(Stock):
    """For an input Gradio validates before its code runs (files, images): a payload of the
    wrong shape (a number, a bare string) gets a message naming the input. Mixed in before the Gradio
    component; `takes` says what the input takes."""

    takes: str  # what the input takes, as a message says it
    _data_model: type | None = None

    @property
    def data_model(self) -> type | None:
        label = getattr(self, "label", None)  # read before gr.Component.__init__ sets it, too
        return checked(self._data_model, f"'{label}' takes {self.takes} (from gradio_client: handle_file(path))")

    @data_model.setter
    def data_model(self, data_model: type | None) -> None:  # gr.File picks its model in __init__
        self._data_model = data_model


class FileInput(ShapeChecked, gr.File):
    """A gr.File whose wrong-shaped payloads get a readable message."""

    stock = "file"

    @property
    def takes(self) -> str:
        return "a file" if self.file_count == "single" else "a list of files"


class ImageFile(ShapeChecked, gr.Image):
    """A gr.Image that hands the handler the uploaded file's path undecoded, so that a file that
    is not an image gets a readable message instead of a preprocessing error."""

    takes = "an image file"
    _data_model = ImageData

    stock = "image"

    def preprocess(self, payload):
        try:
            return super().preprocess(payload)
        except PILImage.DecompressionBombError as err:
            raise gr.Error(f"This image is over the {MAX_PIXELS // 1_000_000}-megapixel cap: "
                           "send a smaller picture of the digit.") from err
        except (OSError, ValueError, SyntaxError) as err:  # PIL's UnidentifiedImageError is an OSError
            raise gr.Error("This file is not an image that can be read (PNG, JPEG, WebP, GIF or BMP).") from err


class Picture(Stock, gr.Image):
    """A gr.Image for pictures the app makes (an array or a PIL image; GIF bytes for an animation),
    written into Gradio's cache under a temporary name and renamed into place. (Gradio rewrites a
    cached picture in place, so two requests that make the same picture at the same moment could be
    served a half-written file.) The cache is Gradio's, so its delete_cache setting clears it."""

    stock = "image"

    def postprocess(self, value):
        if isinstance(value, np.ndarray):
            value = PILImage.fromarray(value)
        if isinstance(value, PILImage.Image):
            buffer = io.BytesIO()
            value.save(buffer, "PNG")
            value = cached_file(buffer.getvalue(), "image.png", Path(self.GRADIO_CACHE))
        elif isinstance(value, bytes):
            value = cached_file(value, "animation.gif", Path(self.GRADIO_CACHE))
        return super().postprocess(value)


def cached_file(data: bytes, name: str, cache: Path) -> str:
    """The bytes as a file in a folder named by their hash, written whole before it appears. A file made
    again is touched, so Gradio's delete_cache (which goes by age) does not take it as it is handed out."""
    folder = cache / hashlib.sha256(data).hexdigest()
    path = folder / name
    try:
        os.utime(path)
        return str(path)
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.replace(staging, path)
    return str(path)


def sweep_cache(blocks: gr.Blocks, age: float | None) -> None:
    """Delete the files the app made or received that are older than `age` seconds (all, if None), as
    Gradio's delete_cache sweep does, but over a copy of each set of files. Gradio 6.31 walks the live
    sets while request threads add to them: when the two meet, "Set changed size during iteration" ends
    its sweeping task for the rest of the server's life and the cache grows without bound. A file that
    cannot be deleted is left for the next sweep instead of ending this one."""
    now, keep = time.time(), set()
    for component in list(blocks.blocks.values()):
        keep.update(getattr(component, "keep_in_cache", ()))
    for files in list(blocks.temp_file_sets):
        gone = set()
        for file in files.copy() - keep:
            try:
                if age is None or now - os.lstat(file).st_ctime > age:
                    os.remove(file)
                    gone.add(file)
            except FileNotFoundError:
                gone.add(file)
            except OSError:
                continue
        files -= gone


def mend_cache_sweep() -> None:
    """Have Gradio's scheduled sweep and its sweep at shutdown call sweep_cache (both look the function
    up in route_utils when they run)."""
    route_utils.delete_files_created_by_app = sweep_cache


def address_of(request) -> str:
    """The network address a call comes from: the first hop a Hugging Face Space's proxy recorded
    (SPACE_ID set), else the connection's own (a header any client can write is not trusted there)."""
    forwarded = request.headers.get("x-forwarded-for", "") if os.environ.get("SPACE_ID") else ""
    return forwarded.split(",")[0].strip() or (request.client.host if request.client else "")


def admit_fairly(demo: gr.Blocks, fairness: Fairness) -> None:
    """Ask `fairness` before any call joins the queue (call after demo.queue()). A refused call takes no
    place in the queue and costs no handler; the calls already in the queue count as in flight until
    they end. The refusal goes back the way Gradio sends a failed validation (HTTP 422), the one answer
    at the door whose message both gradio_client (a ValidationError) and the page show."""
    queue = demo._queue
    join = queue.push

    async def fair_join(body, request, username):
        if body.fn_index is not None and body.fn_index in demo.fns:
            address = address_of(request)
            events = list(queue.event_ids_to_events.values())
            address_calls = sum(address_of(e.request) == address for e in events if e.request is not None)
            visitor_calls = sum(e.session_hash == body.session_hash for e in events)
            refusal = fairness.refuse(  # a caller without a session (the REST route) is known by address
                visitor=body.session_hash or f"address {address}", address=address,
                endpoint=demo.fns[body.fn_index].api_name,
                visitor_calls=visitor_calls if body.session_hash else address_calls, address_calls=address_calls)
            if refusal:
                return False, [{"__type__": "validate", "is_valid": False, "parameter_name": "this call",
                                "message": refusal}], "validator_error"
        return await join(body, request, username)

    queue.push = fair_join


class Refused(Exception):
    """A request that Gradio's route would answer with an HTTP 500 or a broken stream: `status` and a
    message say what is wrong with it instead."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def read_as(model: type[BaseModel], body: object) -> Any:
    """`body` as Gradio's route reads it into `model`, or refused in pydantic's words ("data: Input should
    be a valid list")."""
    try:
        return model.model_validate(body)
    except ValidationError as err:
        problems = (f"{'.'.join(map(str, problem['loc'])) or 'body'}: {problem['msg']}" for problem in err.errors())
        raise Refused(422, "; ".join(problems)) from err


def json_of(body: bytes, content_type: str | None) -> object:
    """The body as FastAPI reads it for Gradio's JSON routes: JSON, sent as application/json (or */*+json)."""
    header = Header()
    header["content-type"] = content_type or ""
    subtype = header.get_content_subtype()
    if header.get_content_maintype() != "application" or not (subtype == "json" or subtype.endswith("+json")):
        raise Refused(415, "Send the body as JSON, with the header Content-Type: application/json.")
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as err:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise Refused(400, f"The body is not JSON that can be read: {err}.") from err


def quoted(text: str) -> str:
    """`text` quoted for a message, cut to 80 characters: a path segment can be kilobytes long."""
    return repr(text[:80])


async def body_of(receive: Receive) -> bytes:
    """The request's whole body (what FastAPI would read anyway), up to where the client left, if it did."""
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if message["type"] == "http.disconnect" or not message.get("more_body", False):
            return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` for the route behind the guard: the body the guard read, then whatever the client sends."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive_again() -> Message:
        return pending.pop() if pending else await receive()

    return receive_again


async def to_the_end(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run `app`; should it fail once its answer has begun, end the answer's body before the error goes on, so
    that the client reads a whole chunked body. (Gradio's result stream, when the session it reads is ended
    meanwhile by another reader's disconnect, sends an error event, then raises.)"""
    begun = ended = False

    async def watched(message: Message) -> None:
        nonlocal begun, ended
        begun = begun or message["type"] == "http.response.start"
        ended = ended or (message["type"] == "http.response.body" and not message.get("more_body", False))
        await send(message)

    try:
        await app(scope, receive, watched)
    except Exception:
        if begun and not ended:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        raise


class GuardedRoutes:
    """ASGI middleware in front of Gradio's call routes. Gradio 6.31 answers a call of the wrong shape with
    an HTTP 500 (a missing or unknown parameter, an unknown endpoint or function), or cuts the result stream
    of an unknown event mid-answer; here each gets a 4xx and {"error": "..."} that says what is wrong. A
    request Gradio can serve passes through as it came. The checks are Gradio's own (its body models, the
    argument matching gradio_client shares, its lookups), made before the route runs."""

    def __init__(self, app: ASGIApp, blocks: gr.Blocks) -> None:
        self.app, self.blocks = app, blocks
        self.checks: list[tuple[str, re.Pattern[str], Callable[..., None]]] = [
            ("POST", re.compile(rf"{API_PREFIX}/call/v2/(?P<name>[^/]+)/?"), self.named_call),
            ("POST", re.compile(rf"{API_PREFIX}/call/(?P<name>[^/]+)/?"), self.listed_call),
            ("POST", re.compile(rf"{API_PREFIX}/queue/join"), self.join),
            ("GET", re.compile(rf"{API_PREFIX}/call/(?:v2/)?[^/]+/(?P<event_id>[^/]+)"), self.result_stream),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        check, found = self.check_for(scope)
        if check is None:
            return await self.app(scope, receive, send)
        try:
            if scope["method"] == "POST":
                body = await body_of(receive)
                receive = replay(body, receive)
                check(json_of(body, dict(scope["headers"]).get(b"content-type", b"").decode("latin-1")), **found)
            else:
                check(**found)
        except Refused as refusal:
            return await JSONResponse({"error": str(refusal)}, refusal.status)(scope, receive, send)
        await to_the_end(self.app, scope, receive, send)

    def check_for(self, scope: Scope) -> tuple[Callable[..., None] | None, dict[str, str]]:
        """The check for this request's route, with what the path names (the endpoint, the event), if any."""
        if scope["type"] == "http":
            path = scope["path"].removeprefix(scope.get("root_path", ""))
            for method, route, check in self.checks:
                if scope["method"] == method and (found := route.fullmatch(path)):
                    return check, found.groupdict()
        return None, {}

    @cached_property
    def endpoints(self) -> dict[str, Any]:
        """The named endpoints and their parameters, as /gradio_api/info lists them (and the v2 route reads them)."""
        return self.blocks.get_api_info()["named_endpoints"]

    def functions(self, session: str | None) -> dict[int, BlockFunction]:
        """The functions a call may reach: the session's (gr.render adds its own), else the app's. Read as
        route_utils.get_fn reads them, without making a session, as its lookup does."""
        holder = self.blocks.state_holder
        return holder[session].blocks_config.fns if session and session in holder else self.blocks.fns

    def named_call(self, body: object, name: str) -> None:
        """POST /call/v2/NAME takes the endpoint's parameters by name; Gradio matches them with gradio_client's
        construct_args, whose TypeError (a missing or unknown parameter) its route lets out as a 500."""
        endpoint = self.endpoints.get(f"/{name}")
        if endpoint is None:
            raise Refused(404, f"There is no endpoint named {quoted(name)}: {API_PREFIX}/info lists them.")
        if not isinstance(body, dict):
            raise Refused(422, "The body must be a JSON object of the endpoint's parameters by name, "
                               f"as {API_PREFIX}/info lists them; got {reprlib.repr(body)}.")
        parameters = endpoint["parameters"]
        if all(parameter.get("parameter_name") != "oauth_token" for parameter in parameters):
            body = {key: value for key, value in body.items() if key != "oauth_token"}  # the route drops it too
        try:
            construct_args(parameters, (), body)
        except (TypeError, ValueError) as err:
            raise Refused(422, str(err)) from err

    def listed_call(self, body: object, name: str) -> None:
        """POST /call/NAME takes {"data": [...]}: every value of the endpoint's API inputs, in order (or of all
        its inputs). An unknown name is a 500 in Gradio; a short list fails later, with the inputs' reprs."""
        call = read_as(SimplePredictBody, body)
        fn = next((fn for fn in self.functions(call.session_hash).values() if fn.api_name == name), None)
        if fn is None:
            raise Refused(404, f"There is no endpoint named {quoted(name)}: {API_PREFIX}/info lists them.")
        takes = sum(not block.skip_api for block in fn.inputs)
        if len(call.data) not in (takes, len(fn.inputs)):
            raise Refused(422, f"'/{name}' takes {takes} values in \"data\"; got {len(call.data)}.")

    def join(self, body: object) -> None:
        """POST /queue/join (the page's and gradio_client's door) names a function by index: an unknown one is a
        500 in Gradio. Extra values pass, as Gradio lets them (a listener's js may return more); too few fail."""
        join = read_as(PredictBody, body)
        if join.fn_index is None or join.session_hash is None:
            return  # Gradio's own 400 says which is missing
        fn = self.functions(join.session_hash).get(join.fn_index)
        if fn is None:
            raise Refused(404, f"There is no function {join.fn_index} in this app.")
        if len(join.data) < len(fn.inputs):
            raise Refused(422, f"Function {join.fn_index} takes {len(fn.inputs)} values in \"data\"; "
                               f"got {len(join.data)}.")

    def result_stream(self, event_id: str) -> None:
        """GET /call/NAME/EVENT_ID streams an event's results. For an event it does not hold, Gradio's stream
        raises after the answer has begun, and the client gets a broken chunked body; here, a 404. The event is
        looked up as the route does: by its own session, else the one still owing it a message."""
        queue = self.blocks._queue
        event = queue.event_ids_to_events.get(event_id)
        session = event.session_hash if event is not None else next(
            (session for session, ids in queue.pending_event_ids_session.items() if event_id in ids), event_id)
        if session not in queue.pending_messages_per_session:
            raise Refused(404, f"No call with event id {quoted(event_id)} has results waiting here: POST to "
                               f"{API_PREFIX}/call/v2/ENDPOINT first, then read the event_id it answers with.")


GRADIO_PART_DATA = GradioMultiPartParser.on_part_data
GRADIO_UPLOAD = routes.upload_fn


def part_data(self: GradioMultiPartParser, data: bytes, start: int, end: int) -> None:
    """Gradio's, but a plain field's bytes are not counted as upload progress: with ?upload_id= set, Gradio asks
    the field for its file's name, which it has not got (an HTTP 500)."""
    if self._current_part.file is None:
        self._current_part.data += data[start:end]
    else:
        GRADIO_PART_DATA(self, data, start, end)


async def upload_files(*args, **kwargs) -> Any:
    """Gradio's upload, with a "files" part that is not a file refused (a 400, as the route's other refusals)
    where Gradio's own TypeError would be an HTTP 500."""
    try:
        return await GRADIO_UPLOAD(*args, **kwargs)
    except TypeError as err:
        if "GradioUploadFile" not in str(err):
            raise
        raise MultiPartException('Each "files" part must be a file: a part with a filename.') from err


def guard_routes(blocks: gr.Blocks) -> Middleware:
    """For launch's app_kwargs["middleware"]: GuardedRoutes in front of `blocks`' routes. Also mends the upload
    route (its parser and its check of the parts, which the middleware cannot see into)."""
    GradioMultiPartParser.on_part_data = part_data
    routes.upload_fn = upload_files
    return Middleware(GuardedRoutes, blocks=blocks)


def plot_rows(plot: PlotData | dict | None) -> list[dict[str, Any]]:
    """The rows of a plot's value as its own listener is given it (PlotData, or the page's payload as a
    dict where Gradio hands it on without the queue), each {column: value}."""
    if plot is None:
        return []
    if isinstance(plot, dict):
        plot = PlotData(**plot)
    return [dict(zip(plot.columns, row)) for row in plot.data]


async def answer_of(blocks: gr.Blocks, listener: int, inputs: list, request: gr.Request | None = None) -> list:
    """What a listener of `blocks` answers for these inputs (as the page sends them), postprocessed as Gradio
    sends it to the page (a gr.update as a dict marked "__type__": "update", a picture as a file's data), for
    `request`'s session (or nobody's): the static site records the answers it replays (ui/site.py)."""
    from gradio.state_holder import SessionState

    answer = await blocks.process_api(blocks.fns[listener], inputs, state=SessionState(blocks), request=request)
    return answer["data"]


def with_files(value, how):
    """The value with each file Gradio made (a picture's data, "meta": gradio.FileData) put as `how` puts it:
    how(path, data) gives the URL the page fetches it from."""
    if isinstance(value, list):
        return [with_files(item, how) for item in value]
    if not isinstance(value, dict):
        return value
    if value.get("meta", {}).get("_type") == "gradio.FileData" and value.get("path"):
        return {"url": how(Path(value["path"]), Path(value["path"]).read_bytes())}
    return {key: with_files(item, how) for key, item in value.items()}


def listener_of(event: Dependency) -> int:
    """The id of the listener an event method made (a Dependency is its config, a dict): blocks.fns' key."""
    return event["id"]


def blocks_of(request: gr.Request) -> gr.Blocks:
    """The app a request came to (Gradio's App keeps its Blocks)."""
    return request.request.app.get_blocks()
