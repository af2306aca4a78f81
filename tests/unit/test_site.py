"""What the static site keeps of the app's page (ui/site.py): the tabs with a page module, the controls those
modules read and the text, the listeners that run in the page alone; nothing that needs the server."""
import gradio as gr

from ui.site import site_config, with_train_tab
from ui.web import SliderSpec, page_component


def kept(config: dict) -> dict[str, str]:
    """Each component kept but the page's frame (the tab strip, the forms Gradio wraps controls in): its
    elem_id, label or value, and its kind."""
    return {str(c["props"].get("elem_id") or c["props"].get("label") or c["props"].get("value")): c["type"]
            for c in config["components"] if c["type"] not in ("tabs", "form")}


def test_the_site_keeps_what_the_page_runs_and_leaves_the_server_out():
    with gr.Blocks() as demo:
        with gr.Tabs():
            with gr.Tab("Drawn in the page"):
                gr.Markdown("What this tab does")
                gr.Slider(elem_id="followed", label="Followed")
                gr.Slider(label="Read by the server alone")
                gr.Image(elem_id="servers-picture", label="The server's picture")  # made by a handler: no value
                spec = SliderSpec(why="", server_blocks=("servers-picture",), reader=None, sliders=("followed",))
                live = page_component("live.js", spec, "the-live-picture", "<canvas></canvas>", "")
                reading = gr.Label(label="Reading")
                live.select(None, None, reading, js="() => ({ label: '7' })")
                gr.Button("Ask the server").click(lambda: None)
            with gr.Tab("Server only"):
                gr.Markdown("Training")
                gr.Button("Train")
    config = site_config(demo.get_config_file())
    assert kept(config) == {"Drawn in the page": "tabitem", "What this tab does": "markdown", "followed": "slider",
                            "the-live-picture": "html", "Reading": "label"}
    assert [d["js"] for d in config["dependencies"]] == ["() => ({ label: '7' })"]

    with_train_tab(config)
    tabs = next(c["id"] for c in config["components"] if c["type"] == "tabs")
    labels = {c["id"]: c["props"].get("label") for c in config["components"]}
    shown = next(node for node in config["layout"]["children"] if node["id"] == tabs)
    assert [labels[tab["id"]] for tab in shown["children"]] == ["Drawn in the page", "Train"]
