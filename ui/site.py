"""The static site: the lab's page with no Python behind it, for any static file server (a static Space,
`python -m http.server`). It is the Gradio page's own layout, read from the built app's config and cut
to what the page runs itself: every tab with a page module (ui/web.py's PageSpec), and in it the
controls those modules read (their specs name them by id), the text, and the listeners that run in the
page alone (`fn=None`, `js=`). The same browser modules then run in it, under a small shell
(ui/web/shell.js) that draws those components as Gradio's page would. What needs the server (training, the
server's own upload blocks: the page's upload boxes read pictures there) is left out, and the page says where
training lives.

    write_site(build_app(), Path("site"))   # python -m genlab site --out site
"""
import asyncio
import base64
import gzip
import hashlib
import html
import json
import mimetypes
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr

from genlab.inference.explorer import test_digit_file
from genlab.serve.lab import MINE
from genlab.serve.web_models import MODELS_PATH, WEB_MODELS
from ui import web
from ui.common import MODEL_RADIO
from ui.choices import answered, chain_of
from ui.gradio_internals import with_files

PAGE = Path(__file__).resolve().parent
LAYOUT = {"tabs", "tabitem", "row", "column", "form", "group", "accordion"}
ALWAYS = {"markdown", "html"}  # text and pictures made by Python: shown as the first model's
CONTROLS = {"slider", "number", "radio", "dropdown", "checkbox", "textbox", "button", "label", "image"}
PROPS = ("value", "label", "show_label", "info", "minimum", "maximum", "step", "choices", "lines", "visible",
         "elem_id", "elem_classes", "html_template", "css_template", "js_on_load", "latex_delimiters", "open",
         "variant", "size", "precision", "scale", "min_width", "interactive", "height", "num_top_classes")
GRAPH = re.compile(rf"{MODELS_PATH}/([\w-]+)\.onnx")
PACKED_WASM = f"{web.RUNTIME_WASM}.gz"  # the runtime's WebAssembly, gzipped: ui/web/runtime.js unpacks it
FILES = "files"  # pictures the page shows as the server made them (the 2-D map of a VAE's latent space)
TRAIN_TAB = """Training runs on a server, on PyTorch: no maintained library trains networks of this size in a
browser. Train a model in the whole lab's **Train** tab: {where}. Then press **For the static site** under
it, and open that file here: your model runs in its tab on this page. Everything on this page runs in your
browser, and nothing you draw or type leaves it."""
OPEN_MODEL = ('<label class="genlab-open-model"><span data-testid="block-info">Open a model you trained</span>'
              '<input type="file" accept=".json"></label><div class="genlab-notice"></div>')
OPEN_MODEL_LOADER = (f"import(new URL('{web.WEB_PATH}/mine.js', document.baseURI).href)"
                     ".then((m) => m.start({ element }))")
ON_YOUR_MACHINE = "on your own machine (`python app.py`, the README says how), or as a Hugging Face ZeroGPU Space"
AT_SPACE = "[on its Space](https://huggingface.co/spaces/{space}), or on your own machine (`python app.py`)"


def page_specs(components: list[dict]) -> dict[int, dict]:
    """The page modules' specs, by component id: a gr.HTML whose value is a PageSpec's JSON."""
    specs = {}
    for component in components:
        if component["type"] != "html":
            continue
        try:
            value = json.loads(component["props"].get("value") or "")
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict) and "server_blocks" in value:
            specs[component["id"]] = value
    return specs


def strings_in(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        value = list(value.values())
    return set().union(*map(strings_in, value)) if isinstance(value, list) else set()


def model_radios(config: dict) -> dict[int, list[int]]:
    """The radios that choose a tab's model for its page modules, each with the listeners that answer a
    choice, where there are two models or more to choose from (a visitor's own, Mine, lives on a server)."""
    specs = page_specs(config["components"])
    listeners = {listener["id"]: listener for listener in config["dependencies"]}
    radios = {}
    for component in config["components"]:
        if component["type"] != "radio":
            continue
        chain = chain_of(config, component["id"])
        models = [value for _, value in component["props"]["choices"] if value != MINE]
        if len(models) > 1 and any(o in specs for listener in chain for o in listeners[listener]["outputs"]):
            radios[component["id"]] = chain
    return radios


def site_config(config: dict, choosers: set[int] = frozenset()) -> dict:
    """The part of a Gradio page config (Blocks.get_config_file()) the static shell draws: the tabs with a
    page module, the components in them the page can serve (and the `choosers`, radios whose answers the
    site replays), and the in-page listeners among them."""
    components = {component["id"]: component for component in config["components"]}
    specs = page_specs(config["components"])
    named = strings_in(list(specs.values()))  # the blocks the modules read, move, hide or draw over
    in_page = [d for d in config["dependencies"] if not d["backend_fn"] and d["js"] and d.get("trigger_after") is None
               and not any(target in choosers for target, _ in d["targets"])]  # the shell replays choices itself
    listened = {i for d in in_page for i in [*d["inputs"], *d["outputs"], *(t[0] for t in d["targets"])]}

    def kept(component: dict) -> bool:
        kind, props = component["type"], component["props"]
        if kind == "image" and not props.get("value"):
            return False  # a picture the server would make or read: the page draws its own
        return (component["id"] in specs.keys() | choosers or kind in ALWAYS
                or kind in CONTROLS and (props.get("elem_id") in named or component["id"] in listened))

    def cut(node: dict) -> dict | None:
        component = components.get(node["id"])  # None: the page itself
        if component is not None and component["type"] not in LAYOUT:
            return {"id": node["id"]} if kept(component) else None
        if component is not None and component["type"] == "tabitem" and not ids_in(node) & specs.keys():
            return None  # a tab the page cannot run
        children = [child for child in map(cut, node.get("children", [])) if child]
        return {"id": node["id"], "children": children} if children else None

    layout = cut(config["layout"])
    shown = ids_in(layout)
    return {
        "title": config.get("title", "genlab"),
        "components": [{"id": c["id"], "type": c["type"], "props": {k: c["props"][k] for k in PROPS if k in c["props"]}}
                       for c in config["components"] if c["id"] in shown],
        "layout": layout,
        "dependencies": [{"targets": d["targets"], "inputs": d["inputs"], "outputs": d["outputs"], "js": d["js"]}
                         for d in in_page if all(i in shown for i in [*d["inputs"], *d["outputs"]])],
    }


def ids_in(node: dict | None) -> set[int]:
    return set() if node is None else {node["id"]}.union(*(ids_in(child) for child in node.get("children", [])))


@dataclass
class Site:
    """What a site holds: its files by path, and the bytes of each kind (the report the command prints)."""

    files: dict[str, bytes] = field(default_factory=dict)

    def add(self, path: str, data: bytes) -> None:
        self.files[path] = data

    def report(self, out: Path) -> str:
        """What was written, by kind, in bytes."""
        kinds = {"graphs": MODELS_PATH, "runtime and vendored packages": f"{web.WEB_PATH}/vendor",
                 "our modules": web.WEB_PATH, "pictures": FILES, "test digits": web.DIGITS_PATH, "page": ""}
        sizes = dict.fromkeys(kinds, 0)
        for path, data in self.files.items():
            sizes[next(kind for kind, folder in kinds.items() if path.startswith(folder))] += len(data)
        lines = [f"  {size / 2**20:>7.2f} MiB  {kind}" for kind, size in sizes.items()]
        return (f"Wrote {len(self.files)} files to {out}:\n" + "\n".join(lines)
                + f"\n  {sum(sizes.values()) / 2**20:>7.2f} MiB  in all\nServe it: python -m http.server -d {out}")

    def write(self, out: Path) -> None:
        if out.exists():
            shutil.rmtree(out)
        for path, data in self.files.items():
            (out / path).parent.mkdir(parents=True, exist_ok=True)
            (out / path).write_bytes(data)


def with_train_tab(config: dict, train_at: str | None = None) -> dict:
    """The site's Train tab: where training lives (`train_at`: the Space with the whole lab), in place of the server's."""
    where = AT_SPACE.format(space=train_at) if train_at else ON_YOUR_MACHINE
    top = max(component["id"] for component in config["components"]) + 1
    config["components"] += [{"id": top, "type": "tabitem", "props": {"label": "Train", "visible": True}},
                              {"id": top + 1, "type": "markdown",
                               "props": {"value": TRAIN_TAB.format(where=where), "visible": True}},
                              {"id": top + 2, "type": "html", "props": {"value": "", "html_template": OPEN_MODEL,
                                                                        "js_on_load": OPEN_MODEL_LOADER, "visible": True}}]
    kinds = {component["id"]: component["type"] for component in config["components"]}
    tabs = next(node for node in config["layout"]["children"] if kinds.get(node["id"]) == "tabs")
    tabs["children"].append({"id": top, "children": [{"id": top + 1}, {"id": top + 2}]})
    return config


def pictures(value, site: Site):
    """The value with each file Gradio made copied into the site under FILES/, named by its content."""
    def copied(path: Path, data: bytes) -> str:
        site.add(url := f"{FILES}/{hashlib.sha256(data).hexdigest()[:20]}{path.suffix}", data)
        return url
    return with_files(value, copied)


async def replayed(demo: gr.Blocks, config: dict, radios: dict[int, list[int]], shown: set[int]) -> dict:
    """What the server answers each pretrained model on each radio, for the components the site shows:
    {radio id: {model: [[component id, value or update], ...]}}."""
    return {str(radio): {model: [[o, v] for o, v in await answered(demo, config, radio, model) if o in shown]
                         for _, model in values_of(config, radio)} for radio in radios}


def values_of(config: dict, radio: int) -> list[list[str]]:
    """A model radio's choices the site offers: the pretrained models."""
    component = next(c for c in config["components"] if c["id"] == radio)
    return [[label, value] for label, value in component["props"]["choices"] if value != MINE]


def graphs(config: dict, site: Site) -> dict:
    """Every model graph the specs name, written under MODELS_PATH by its content's hash (a new build of the
    same weights keeps its URLs, so a browser's cache still holds); the config with the new URLs."""
    text = json.dumps(config)
    for key in sorted(set(GRAPH.findall(text))):
        graph = WEB_MODELS.graph(key)
        stable = hashlib.sha256(graph).hexdigest()[:24]
        site.add(f"{MODELS_PATH}/{stable}.onnx", graph)
        text = text.replace(f"{MODELS_PATH}/{key}.onnx", f"{MODELS_PATH}/{stable}.onnx")
    return json.loads(text)


def test_digits(config: dict, site: Site) -> None:
    """The MNIST test digits an interpolation may start from, where a spec names them (and this machine has
    them), in the files the server serves (genlab.inference.explorer.test_digit_file)."""
    if web.DIGITS_PATH not in json.dumps(config):
        return
    number = 0
    while (data := test_digit_file(number)) is not None:
        site.add(f"{web.DIGITS_PATH}/{number}.bin", data)
        number += 1


PAGE_MODEL = "genlab page model"  # the format of the file a visitor's model goes to the static site in


def inlined(value):
    """The value with each file Gradio made (a picture) as a data URL, so it travels in one file."""
    def data_url(path: Path, data: bytes) -> str:
        return f"data:{mimetypes.guess_type(path)[0] or 'application/octet-stream'};base64,{base64.b64encode(data).decode()}"
    return with_files(value, data_url)


def tab_of(config: dict, component: int) -> str:
    """The label of the tab a component is in."""
    labels = {c["id"]: c["props"].get("label") for c in config["components"] if c["type"] == "tabitem"}
    tab = next(node for node in walk(config["layout"]) if node["id"] in labels and component in ids_in(node))
    return labels[tab["id"]]


def walk(node: dict):
    yield node
    for child in node.get("children", []):
        yield from walk(child)


def page_model(demo: gr.Blocks, family: str, request: gr.Request) -> dict:
    """A visitor's own model of `family` (Mine), as the static site opens it: what its tab's model radio answers
    choosing Mine for the visitor's session (its specs, its sliders), keyed by the components' elem_ids, with the
    model's graphs inside, base64. The static site replays it (ui/web/mine.js)."""
    config = demo.get_config_file()
    radio = next(c["id"] for c in config["components"] if c["props"].get("elem_id") == MODEL_RADIO.format(family=family))
    named = {c["id"]: c["props"]["elem_id"] for c in config["components"] if c["props"].get("elem_id")}
    with ThreadPoolExecutor(1) as own_loop:  # the handler's thread may not run a loop of its own
        answers = own_loop.submit(asyncio.run, answered(demo, config, radio, MINE, request)).result()
    answers = inlined([[named[o], v] for o, v in answers if o in named and o != radio])
    keys = sorted(set(GRAPH.findall(json.dumps(answers))))
    return {"format": PAGE_MODEL, "version": 1, "family": family, "tab": tab_of(config, radio), "answers": answers,
            "graphs": {f"{MODELS_PATH}/{key}.onnx": base64.b64encode(WEB_MODELS.graph(key)).decode() for key in keys}}


def index_html(config: dict) -> str:
    data = json.dumps(config).replace("</", "<\\/")  # no '</script>' inside the script it is in
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{html.escape(config['title'])}</title>
<link rel="stylesheet" href="{web.WEB_PATH}/shell.css">
<style>{(PAGE / 'page.css').read_text()}</style>
{web.head(PACKED_WASM)}
<script type="application/json" id="genlab-site">{data}</script>
<script type="module" src="{web.WEB_PATH}/shell.js"></script>
</head>
<body><main id="genlab-shell"></main></body>
</html>
"""


def build_site(demo: gr.Blocks, train_at: str | None = None) -> Site:
    """The static site of a built app: index.html, our modules and vendored packages, the graphs, the pictures.
    `train_at`: the Hugging Face Space (OWNER/NAME) with the whole lab, where its Train tab sends visitors."""
    site = Site()
    page = demo.get_config_file()
    radios = model_radios(page)
    config = site_config(page, set(radios))
    with ThreadPoolExecutor(1) as own_loop:  # the caller may be inside an event loop already (a browser driver)
        config["choices"] = own_loop.submit(asyncio.run, replayed(demo, page, radios, ids_in(config["layout"]))).result()
    for component in config["components"]:
        if component["id"] in radios:
            component["props"]["choices"] = values_of(page, component["id"])
    config = graphs(pictures(with_train_tab(config, train_at), site), site)
    test_digits(config, site)
    for path in sorted(web.WEB.rglob("*")):
        if path.is_file() and path.name != "refresh.sh" and path.suffix != ".br":  # the app's brotli copies: not here
            site.add(f"{web.WEB_PATH}/{path.relative_to(web.WEB)}", path.read_bytes())
    wasm = site.files.pop(web.RUNTIME_WASM)  # a static host may send it as it is: it goes gzipped, unpacked in the page
    site.add(PACKED_WASM, gzip.compress(wasm, 9, mtime=0))
    site.add("index.html", index_html(config).encode())
    return site
