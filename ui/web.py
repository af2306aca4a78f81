"""What the app serves to the page besides Gradio's own: our browser modules and the vendored ONNX
Runtime Web under /genlab/web/, and the models' ONNX graphs under /genlab/models/KEY.onnx.
`routes()` goes to FastAPI when the app launches, with HEAD in the page's <head>; `live_component()`
is how a tab puts a model that runs in the page on screen, told what to draw by a `LiveSpec`, and
`drawing_pad()` a square to draw a digit in."""
import gzip
import json
import mimetypes
from dataclasses import asdict, dataclass
from pathlib import Path

import gradio as gr
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from genlab.core.checkpoint import Checkpoint
from genlab.core.data import ImageSplit
from genlab.inference.explorer import DIGITS_PER_FILE, test_digit_file
from genlab.inference.preprocess import MAX_FILE_BYTES, MAX_PIXELS, UPLOAD_WORDS
from genlab.serve.lab import MINE, Lab
from genlab.serve.web_models import MODELS_PATH, WEB_MODELS
from ui.glossary import page_glossary

WEB = Path(__file__).resolve().parent / "web"
WEB_PATH = "genlab/web"
DIGITS_PATH = "genlab/data/mnist-test"  # the test digits the page interpolates from: DIGITS_PATH/N.bin
LIVE_CSS = """
[data-mode=server] canvas, [data-mode=server] .genlab-reading, [data-mode=server] .genlab-live-title { display: none; }
.genlab-live-title { display: block; margin-bottom: 4px; font-size: var(--block-label-text-size);
  color: var(--block-label-text-color); }
.genlab-reading { margin: 6px 0; }
.genlab-notice { color: var(--body-text-color-subdued); font-size: 0.9em; }
"""  # the page's picture shows once the page draws; until then the server's does
PAD_CSS = """
.genlab-pad-body { display: flex; align-items: flex-start; gap: 8px; }
.genlab-pad canvas { display: block; width: min(100% - 88px, 360px); aspect-ratio: 1; touch-action: none; cursor: crosshair;
  background: #fff; border: 1px solid var(--border-color-primary); border-radius: var(--radius-lg); }
.genlab-pad-label { display: block; margin-bottom: 4px; font-size: var(--block-label-text-size);
  color: var(--block-label-text-color); }
.genlab-pad-tools { display: flex; flex-direction: column; gap: 8px; }
.genlab-pad-tools button { min-height: 44px; width: 80px; padding: 0 8px; border-radius: var(--button-small-radius);
  border: 1px solid var(--button-secondary-border-color); background: var(--button-secondary-background-fill);
  color: var(--button-secondary-text-color); }
"""  # a finger-sized Undo and Clear beside the drawing (under it, they pushed a phone's reading off the
# screen); the canvas is white even in a dark theme, so black ink shows
mimetypes.add_type("text/javascript", ".mjs")  # module scripts must be served as JavaScript
mimetypes.add_type("application/wasm", ".wasm")  # lets the runtime compile while it downloads


RUNTIME_WASM = f"{WEB_PATH}/vendor/onnxruntime-web/ort-wasm-simd-threaded.wasm"


def head(wasm: str = RUNTIME_WASM) -> str:
    """What the page's <head> carries: the glossary's terms defined as they appear (ui/web/terms.js); the runtime
    set up from the start, beside the page's own files, rather than once the first tab's module asks for it: its
    WebAssembly (`wasm`: the file the page fetches it from) is most of a first visit's bytes, and compiles while
    it downloads (ui/web/runtime.js); once the page is idle (or 2 s on), the sessions of the graphs that read
    every tab's digits made (ui/web/warm.js). A visitor who asked their browser to save data gets the runtime
    when a tab needs it."""
    kind, packed = mimetypes.guess_type(wasm)
    typed = " data-genlab-packed" if packed else f' type="{kind}"'  # ui/web/runtime.js unpacks a packed one
    return page_glossary() + f"""<link rel="preload" href="{wasm}" as="fetch"{typed} crossorigin>
<link rel="modulepreload" href="{WEB_PATH}/runtime.js">
<link rel="modulepreload" href="{WEB_PATH}/vendor/onnxruntime-web/ort.wasm.min.mjs">
<link rel="modulepreload" href="{WEB_PATH}/vendor/onnxruntime-web/ort-wasm-simd-threaded.mjs">
<script type="module">
import(new URL('{WEB_PATH}/terms.js', document.baseURI).href).then((m) => m.defineTerms());
if (!navigator.connection?.saveData) {{
  import(new URL('{WEB_PATH}/runtime.js', document.baseURI).href).then((m) => m.loadRuntime()).catch(() => {{}});
}}  // a failure is told by the module that needs the runtime
const idle = window.requestIdleCallback ?? ((then) => setTimeout(then, 500));
idle(() => import(new URL('{WEB_PATH}/warm.js', document.baseURI).href).then((m) => m.warmUp()), {{ timeout: 2000 }});
</script>"""


HEAD = head()


def accepted(headers: Headers) -> set[str]:
    """The content codings a request accepts: Accept-Encoding's, less those it refuses (q=0)."""
    codings = set()
    for part in headers.get("accept-encoding", "").lower().split(","):
        coding, _, weight = part.partition(";")
        try:
            refused = weight.strip().startswith("q=") and float(weight.strip()[2:]) == 0
        except ValueError:
            refused = True  # a weight that is no number accepts nothing
        if coding.strip() and not refused:
            codings.add(coding.strip())
    return codings


class CompressedFiles(StaticFiles):
    """Our modules and the vendored runtime, compressed for a browser that accepts it: the runtime's WebAssembly,
    most of what a first visit downloads, goes in brotli from the copy beside it (FILE.br, made once by
    vendor/refresh.sh), to a browser that accepts br (over HTTPS, every current one), else gzipped
    (docs/performance.md has the bytes of each). A file without a brotli copy is gzipped once, when first asked
    for, off the event loop, and kept (the files change only with a new release)."""

    SMALLEST = 1024  # bytes: smaller files go as they are

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.compressed: dict[tuple[str, int, str], bytes] = {}  # (path, modified, coding) -> compressed bytes

    def coded(self, path: Path, modified: int, coding: str) -> bytes:
        data = path.with_name(path.name + ".br").read_bytes() if coding == "br" else gzip.compress(path.read_bytes(), 9)
        return self.compressed.setdefault((str(path), modified, coding), data)

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if not isinstance(response, FileResponse) or response.status_code != 200:
            return response
        file, codings = Path(response.path), accepted(Headers(scope=scope))
        stat = file.stat()
        coding = ("br" if "br" in codings and file.with_name(file.name + ".br").is_file()
                  else "gzip" if "gzip" in codings and stat.st_size >= self.SMALLEST else None)
        if coding is None:
            return response
        body = self.compressed.get((str(file), stat.st_mtime_ns, coding)) or await run_in_threadpool(
            self.coded, file, stat.st_mtime_ns, coding)
        headers = {name: value for name, value in response.headers.items()
                   if name not in ("content-length", "content-type", "accept-ranges", "etag")}
        # a weak tag: the same content, encoded; a revalidation then gets 304 Not Modified as for the plain file
        headers |= {"content-encoding": coding, "vary": "Accept-Encoding", "etag": "W/" + response.headers["etag"]}
        return Response(body, headers=headers, media_type=response.media_type)


class CompressedPage:
    """Gradio's page and its own scripts and styles, gzipped for a browser that accepts it (Gradio sends them as
    they are, and the page, every tab's config inside, is a first visit's largest file after the runtime and the
    first graph). Nothing else: an API call's answer and the event streams go as they are, costing no CPU."""

    PREFIXES = ("/assets/", "/static/")

    def __init__(self, app: ASGIApp):
        self.app, self.zipped = app, GZipMiddleware(app, minimum_size=CompressedFiles.SMALLEST, compresslevel=6)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "").removeprefix(scope.get("root_path", "")) if scope["type"] == "http" else None
        page = path is not None and scope["method"] in ("GET", "HEAD") and (path in ("", "/") or path.startswith(self.PREFIXES))
        await (self.zipped if page else self.app)(scope, receive, send)


async def model_graph(request: Request) -> Response:
    graph = await run_in_threadpool(WEB_MODELS.graph, request.path_params["key"])  # a first fetch exports it
    if graph is None:
        return Response("No such model: it may have been replaced; choose the model again.", status_code=404)
    return Response(graph, media_type="application/octet-stream", headers={"Cache-Control": "private, max-age=3600"})


async def test_digits(request: Request) -> Response:
    data = await run_in_threadpool(test_digit_file, request.path_params["number"])
    if data is None:
        return Response("No such test digits on this server.", status_code=404)
    return Response(data, media_type="application/octet-stream", headers={"Cache-Control": "public, max-age=86400"})


def routes() -> list[BaseRoute]:
    return [Mount(f"/{WEB_PATH}", CompressedFiles(directory=WEB)), Route(f"/{MODELS_PATH}/{{key}}.onnx", model_graph),
            Route(f"/{DIGITS_PATH}/{{number:int}}.bin", test_digits)]


@dataclass(frozen=True, kw_only=True)
class PageSpec:
    """What every page module that stands in for the server reads (ui/web/live.js's Live), fields named as
    the page reads them: why the page cannot run the model (if it cannot) and the server's blocks it stands
    in for. A tab's record adds what its module needs (ui/explore.py, ui/sample.py, ui/classify.py, ui/text.py)."""

    why: str
    server_blocks: tuple[str, ...]

    def to_json(self) -> str:
        """The component's value: the one text the page's modules parse."""
        return json.dumps(asdict(self))


@dataclass(frozen=True, kw_only=True)
class LiveSpec(PageSpec):
    """A live picture of a digit: also the graph of the CNN that reads it."""

    reader: str | None


@dataclass(frozen=True, kw_only=True)
class SliderSpec(LiveSpec):
    """A live picture that follows Gradio sliders (ui/web/live.js's startLive): their blocks' ids."""

    sliders: tuple[str, ...]


def page_graphs(lab: Lab, name: str, checkpoint: Checkpoint) -> tuple[str | None, str | None, str]:
    """Where the page fetches the model `name` and the CNN that reads its digits, and why it cannot run the
    model, if it cannot. A pretrained model's graph is kept for the server's lifetime, a visitor's own
    only while their model lives."""
    model, why = WEB_MODELS.try_url(checkpoint, keep=name != MINE)
    reader, _ = WEB_MODELS.try_url(lab.checkpoints.get("cnn"), keep=True)
    return model, reader, why


def test_digit_source(split: ImageSplit | None) -> dict | None:
    """Where the page reads the MNIST test digits (genlab.inference.explorer.test_digit_file's files, ui/web/
    test_digits.js), or None on a server without them."""
    return None if split is None else {"url": DIGITS_PATH, "count": len(split), "per_file": DIGITS_PER_FILE}


def drawing_pad(label: str, elem_id: str | None = None) -> gr.HTML:
    """A square to draw a digit in (ui/web/drawpad.js). As an input its value is the drawing, a PNG data URL
    ('' when blank), which genlab.inference.preprocess.open_drawing reads; its `input` event fires after each
    stroke, undo and clear. The same for an API client: send a PNG as a data URL."""
    loader = (f"import(new URL('{WEB_PATH}/drawpad.js', document.baseURI).href)"
              ".then((m) => m.start({ element, props, trigger }))"
              ".catch((error) => console.error('genlab: the drawing pad did not load', error));")
    template = (f'<div class="genlab-pad"><span class="genlab-pad-label">{label}</span>'
                f'<div class="genlab-pad-body"><canvas aria-label="{label}"></canvas><div class="genlab-pad-tools">'
                '<button type="button" data-action="undo">Undo</button>'
                '<button type="button" data-action="clear">Clear canvas</button></div></div></div>')
    return gr.HTML("", label=label, html_template=template, css_template=PAD_CSS, js_on_load=loader,
                   elem_id=elem_id, apply_default_css=False)


UPLOAD_CSS = """
.genlab-upload-zone { display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 6px;
  min-height: 120px; padding: 10px; border: 1px dashed var(--border-color-primary); border-radius: var(--radius-lg);
  cursor: pointer; color: var(--body-text-color-subdued); text-align: center; }
.genlab-upload-zone.dragging { border-color: var(--color-accent); }
.genlab-upload-zone input { max-width: 100%; }
.genlab-upload-zone img { max-width: 100%; max-height: 160px; }
.genlab-upload [data-action=clear] { margin-top: 6px; min-height: 36px; padding: 0 12px; border-radius: var(--button-small-radius);
  border: 1px solid var(--button-secondary-border-color); background: var(--button-secondary-background-fill);
  color: var(--button-secondary-text-color); }
"""


def upload_box(label: str, elem_id: str) -> gr.HTML:
    """A box to give a picture from a file, read in the page (ui/web/upload.js): choose, drop or paste; the file
    stays in the browser, decoded as genlab.inference.preprocess opens an upload. Its value: the caps and the words
    of refusal, the server's."""
    limits = {"max_bytes": MAX_FILE_BYTES, "max_pixels": MAX_PIXELS, "words": UPLOAD_WORDS}
    loader = (f"import(new URL('{WEB_PATH}/upload.js', document.baseURI).href)"
              ".then((m) => m.start({ element, props }))"
              ".catch((error) => console.error('genlab: the upload box did not load', error));")
    template = (f'<div class="genlab-upload"><span class="genlab-pad-label">{label}</span>'
                '<label class="genlab-upload-zone" tabindex="0"><span>Drop a picture here, paste one, or choose a file'
                '</span><input type="file" accept="image/*" aria-label="' + label + '"><img alt="The picture given" hidden>'
                '</label><button type="button" data-action="clear" hidden>Clear</button></div>')
    return gr.HTML(json.dumps(limits), html_template=template, css_template=PAD_CSS + UPLOAD_CSS, js_on_load=loader,
                   elem_id=elem_id, apply_default_css=False)


def page_component(module: str, spec: PageSpec, elem_id: str, body: str, css: str, **html) -> gr.HTML:
    """A gr.HTML whose value is `spec`'s JSON and whose page side is the ES module ui/web/`module`: its
    start() gets the element (`body`, styled by `css`), the props (props.value is the spec), trigger (to
    ask the server instead) and watch (to hear of a new spec, which a handler returns as `spec.to_json()`)."""
    loader = (f"import(new URL('{WEB_PATH}/{module}', document.baseURI).href)"
              ".then((m) => m.start({ element, props, trigger, watch }))"
              ".catch((error) => console.error('genlab: the page module did not load', error));")
    return gr.HTML(spec.to_json(), html_template=body, css_template=css, js_on_load=loader, elem_id=elem_id,
                   apply_default_css=False, **html)


def live_component(module: str, spec: LiveSpec, elem_id: str, side: int | None, title: str = "") -> gr.HTML:
    """A live picture (page_component): a 28x28 canvas shown `side` pixels wide under its `title`, or a
    canvas the module sizes to the width when `side` is None; a line for the CNN's reading, a line for a
    notice."""
    heading, named = (f'<span class="genlab-live-title">{title}</span>', f' aria-label="{title}"') if title else ("", "")
    canvas = (f'<canvas width="28" height="28"{named} style="width:{side}px;height:{side}px;image-rendering:pixelated">'
              if side else f'<canvas{named} style="max-width:100%">')
    body = (f'<div class="genlab-live">{heading}{canvas}</canvas>'
            '<div class="genlab-reading"></div><div class="genlab-notice"></div></div>')
    return page_component(module, spec, elem_id, body, LIVE_CSS, elem_classes=["genlab-live-picture"])
