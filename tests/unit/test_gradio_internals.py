"""ui/gradio_internals.py subclasses Gradio components and leans on internals no documentation promises:
where Gradio validates an input payload, how it names a block, where it caches files, what a
component's preprocess and postprocess receive. Each is checked here against the Gradio this project
pins, so an upgrade that moves one fails in this file, naming what to re-check, instead of as a
strange error in some tab."""
import asyncio
import inspect
import re
import threading
from pathlib import Path

import gradio as gr
import numpy as np
import pytest
from gradio import route_utils, routes
from PIL import Image

from tests.helpers import ROOT
from ui.gradio_internals import (FileInput, ImageFile, NumberSlider, Picture, PlotData, WholeNumber, answer_of,
                                  listener_of, mend_cache_sweep, plot_rows)

REQUIREMENTS = ROOT / "requirements.txt"


def test_the_installed_gradio_is_the_one_the_overrides_were_written_for():
    pinned = re.search(r"^gradio==(\S+)", REQUIREMENTS.read_text(), re.M).group(1)
    assert gr.__version__ == pinned, (f"Gradio {gr.__version__} is installed, ui/gradio_internals.py was written for "
                                      f"{pinned}: re-check every internal this file tests, then update the pin")


def test_gradio_validates_an_input_payload_with_the_components_data_model():
    """ShapeChecked swaps the data model for one that refuses a wrong shape readably: Gradio must still
    read `block.data_model` and call its `model_validate` on the payload before preprocess."""
    source = inspect.getsource(gr.Blocks.preprocess_data)
    assert "block.data_model" in source and "model_validate" in source


@pytest.mark.parametrize("component, stock", [
    (NumberSlider(0, 1), "slider"), (WholeNumber(0), "number"), (Picture(), "image"), (ImageFile(), "image"),
    (FileInput(), "file")])
def test_our_components_are_drawn_and_described_as_the_stock_ones(component, stock):
    assert component.get_block_name() == stock and component.get_block_class() == stock
    assert component.get_config()["name"] == stock


def test_a_wrong_shaped_payload_is_refused_with_a_message_naming_the_input():
    upload = ImageFile(label="A digit")
    with pytest.raises(gr.Error, match="'A digit' takes an image file"):
        upload.data_model.model_validate(123)
    assert upload.data_model.model_json_schema() == gr.Image().data_model.model_json_schema()


def test_a_picture_the_app_makes_is_written_into_gradios_cache(tmp_path):
    picture = Picture()
    data = picture.postprocess(np.zeros((28, 28), np.uint8))
    path = Path(data.path)
    assert path.is_relative_to(Path(picture.GRADIO_CACHE)) and Image.open(path).size == (28, 28)
    assert Path(picture.postprocess(b"GIF89a...").path).name == "animation.gif"


def test_a_slider_checks_a_value_before_gradios_own_rounding():
    slider = NumberSlider(-3, 3, label="z1")
    with pytest.raises(gr.Error, match="'z1' must be a number from -3 to 3"):
        slider.preprocess(float("nan"))
    assert slider.preprocess(1.5) == 1.5


def test_the_queue_door_admit_fairly_wraps_is_where_it_was():
    """admit_fairly replaces Queue.push and counts the calls in flight from the events Gradio keeps."""
    from gradio.queueing import Event, Queue

    assert list(inspect.signature(Queue.push).parameters) == ["self", "body", "request", "username"]
    assert "self.event_ids_to_events[event._id] = event" in inspect.getsource(Queue.push)
    assert {"session_hash", "request"} <= set(inspect.signature(Event.__init__).parameters)
    source = inspect.getsource(gr.routes.App.create_app)
    assert '"validator_error": status.HTTP_422_UNPROCESSABLE_CONTENT' in source


def test_the_cache_sweep_survives_files_arriving_while_it_sweeps(tmp_path):
    """A public server makes pictures while the sweep runs. Gradio's own sweep walks the live set of
    files, and when one arrives mid-walk it dies ("Set changed size during iteration") and nothing is
    swept again; the mended sweep, which the scheduled and the shutdown sweeps call, deletes every old
    file however many arrive meanwhile."""
    assert "for file in temp_set:" in inspect.getsource(route_utils), "Gradio's sweep may no longer need mending"
    for runs_the_sweep in (route_utils.delete_files_on_schedule, route_utils._lifespan_handler):
        assert "delete_files_created_by_app" in inspect.getsource(runs_the_sweep)
    with gr.Blocks() as demo:
        gr.Markdown("a page")
    files = demo.temp_file_sets[0]
    for number in range(2000):
        (tmp_path / f"old-{number}").touch()
        files.add(str(tmp_path / f"old-{number}"))
    arriving = threading.Event()
    arriving.set()

    def arrive() -> None:  # until the sweep ends; a bound keeps the sweep's copy of the set small
        number = 0
        while arriving.is_set() and number < 20_000:
            files.add(str(tmp_path / f"new-{number}"))
            number += 1

    visitor = threading.Thread(target=arrive)
    visitor.start()
    try:
        mend_cache_sweep()
        route_utils.delete_files_created_by_app(demo, None)
    finally:
        arriving.clear()
        visitor.join()
    assert not list(tmp_path.iterdir()), "every old file is deleted"
    assert not any(name.startswith(str(tmp_path / "old-")) for name in files), "and no longer listed"


def test_a_plots_listener_reads_its_rows_from_either_form_gradio_gives():
    """A plot's own listener is given PlotData through the queue and the page's dict without it; both
    read as the same rows (the Train tab's axes and latest loss terms rest on it)."""
    payload = {"columns": ["step", "curve", "value"], "data": [[1, "A: loss", 0.5], [2, "A: loss", 0.25]],
               "datatypes": {"step": "quantitative", "curve": "nominal", "value": "quantitative"}, "mark": "line"}
    rows = [{"step": 1, "curve": "A: loss", "value": 0.5}, {"step": 2, "curve": "A: loss", "value": 0.25}]
    assert plot_rows(payload) == plot_rows(PlotData(**payload)) == rows
    assert plot_rows(None) == []


def test_a_listener_is_answered_for_a_session_as_the_page_is_answered():
    """answer_of runs a listener (listener_of an event method's answer) through Blocks.process_api with a
    SessionState and a request, and takes the answer's "data" (postprocessed, a gr.update as a dict): model
    choices are recorded so (ui/choices.py), and the static site's. blocks_of
    finds the app a request came to through the App's get_blocks."""
    with gr.Blocks() as demo:
        number, text = gr.Number(1), gr.Textbox()
        event = number.change(lambda value: (f"{value:.0f} dots", gr.update(visible=False)), number, [text, number])
    assert listener_of(event) == 0 and demo.fns[0].outputs == [text, number]
    answer = asyncio.run(answer_of(demo, 0, [3]))
    assert answer[0] == "3 dots" and answer[1]["__type__"] == "update" and answer[1]["visible"] is False
    assert {"state", "request"} <= set(inspect.signature(gr.Blocks.process_api).parameters)
    assert callable(getattr(routes.App, "get_blocks", None))
