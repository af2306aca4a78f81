"""The static site: the lab's page with no Python behind it, for any static file server (a static Space,
`python -m http.server`). It is the Gradio page's own layout, read from the built app's config and cut
to what the page runs itself: every tab with a page module (ui/web.py's PageSpec), and in it the
controls those modules read (their specs name them by id), the text, and the listeners that run in the
page alone (`fn=None`, `js=`). The same browser modules then run in it, under a small shell
(ui/web/shell.js) that draws those components as Gradio's page would. What needs the server (training,
uploads the server reads) is left out, and the page says where it lives.

    write_site(build_app(), Path("site"))   # python -m genlab site --out site
"""
import asyncio
import gzip
import hashlib
import html
import json
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
from ui.gradio_internals import answer_of

PAGE = Path(__file__).resolve().parent
LAYOUT = {"tabs", "tabitem", "row", "column", "form", "group", "accordion"}
ALWAYS = {"markdown", "html"}  # text and pictures made by Python: shown as the first model's
CONTROLS = {"slider", "number", "radio", "dropdown", "checkbox", "textbox", "button", "label", "image"}
PROPS = ("value", "label", "show_label", "info", "minimum", "maximum", "step", "choices", "lines", "visible",
         "elem_id", "elem_classes", "html_template", "css_template", "js_on_load", "latex_delimiters", "open",
         "variant", "size", "precision", "scale", "min_width", "interactive", "height", "num_top_classes")
GRAPH = re.compile(rf"{MODELS_PATH}/([\w-]+)\.onnx")
FILES = "files"  # pictures the page shows as the server made them (the 2-D map of a VAE's latent space)
TRAIN_TAB = """Training runs on a server, on PyTorch: no maintained library trains networks of this size in a
browser. Train a model in the whole lab's **Train** tab: {where}. Everything else on this page runs in your
browser, and nothing you draw or type leaves it."""
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
    choice (ui/common.py's choose_model, then what it chains with `.success`), where there are two models
    or more to choose from (a visitor's own, Mine, lives on a server)."""
    components = {component["id"]: component for component in config["components"]}
    specs = page_specs(config["components"])
    radios = {}
    for listener in config["dependencies"]:
        radio = next((t for t, event in listener["targets"] if event == "input"
                      and components.get(t, {}).get("type") == "radio"), None)
        chain = [d for d in config["dependencies"] if d.get("trigger_after") == listener["id"] and d["backend_fn"]]
        models = [value for _, value in components[radio]["props"]["choices"] if value != MINE] if radio else []
        if chain and len(models) > 1 and any(o in specs for d in chain for o in d["outputs"]):
            radios[radio] = [d["id"] for d in chain]
    return radios


def site_config(config: dict, choosers: set[int] = frozenset()) -> dict:
    """The part of a Gradio page config (Blocks.get_config_file()) the static shell draws: the tabs with a
    page module, the components in them the page can serve (and the `choosers`, radios whose answers the
    site replays), and the in-page listeners among them."""
    components = {component["id"]: component for component in config["components"]}
    specs = page_specs(config["components"])
    named = strings_in(list(specs.values()))  # the blocks the modules read, move, hide or draw over
    in_page = [d for d in config["dependencies"] if not d["backend_fn"] and d["js"]]
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
                               "props": {"value": TRAIN_TAB.format(where=where), "visible": True}}]
    kinds = {component["id"]: component["type"] for component in config["components"]}
    tabs = next(node for node in config["layout"]["children"] if kinds.get(node["id"]) == "tabs")
    tabs["children"].append({"id": top, "children": [{"id": top + 1}]})
    return config


def pictures(value, site: Site):
    """The value with each file Gradio made (a picture's data, "meta": gradio.FileData) copied into the site
    under FILES/, named by its content, and pointed at there."""
    if isinstance(value, list):
        return [pictures(item, site) for item in value]
    if not isinstance(value, dict):
        return value
    if value.get("meta", {}).get("_type") == "gradio.FileData" and value.get("path"):
        data = Path(value["path"]).read_bytes()
        path = f"{FILES}/{hashlib.sha256(data).hexdigest()[:20]}{Path(value['path']).suffix}"
        site.add(path, data)
        return {"url": path}
    return {key: pictures(item, site) for key, item in value.items()}


async def replayed(demo: gr.Blocks, config: dict, radios: dict[int, list[int]], shown: set[int]) -> dict:
    """What the server answers each model choice on each radio, for the components the site shows, as Gradio
    sends it: {radio id: {model: [[component id, value or update], ...]}}. The other inputs are the page's first."""
    values = {component["id"]: component["props"].get("value") for component in config["components"]}
    listeners = {listener["id"]: listener for listener in config["dependencies"]}
    choices = {}
    for radio, chain in radios.items():
        for _, model in values_of(config, radio):
            answers = []
            for listener in chain:
                inputs = [model if i == radio else values[i] for i in listeners[listener]["inputs"]]
                data = await answer_of(demo, listener, inputs)
                answers += [[o, v] for o, v in zip(listeners[listener]["outputs"], data) if o in shown]
            choices.setdefault(str(radio), {})[model] = answers
    return choices


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


def index_html(config: dict) -> str:
    data = json.dumps(config).replace("</", "<\\/")  # no '</script>' inside the script it is in
    runtime = config["runtime"]["packed_wasm"]
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{html.escape(config['title'])}</title>
<link rel="stylesheet" href="{web.WEB_PATH}/shell.css">
<link rel="stylesheet" href="{web.WEB_PATH}/vendor/katex/katex.min.css">
<style>{(PAGE / 'page.css').read_text()}</style>
<script defer src="{web.WEB_PATH}/vendor/katex/katex.min.js"></script>
<script defer src="{web.WEB_PATH}/vendor/katex/auto-render.min.js"></script>
{web.head(runtime)}
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
    config["runtime"] = {"packed_wasm": f"{web.RUNTIME_WASM}.gz"}  # ui/web/runtime.js unpacks it
    test_digits(config, site)
    for path in sorted(web.WEB.rglob("*")):
        if path.is_file() and path.name != "refresh.sh":
            site.add(f"{web.WEB_PATH}/{path.relative_to(web.WEB)}", path.read_bytes())
    wasm = site.files.pop(web.RUNTIME_WASM)  # a static host may send it as it is: it goes gzipped, unpacked in the page
    site.add(config["runtime"]["packed_wasm"], gzip.compress(wasm, 9, mtime=0))
    site.add("index.html", index_html(config).encode())
    return site
