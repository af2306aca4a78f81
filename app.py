"""genlab: an interactive lab for small deep generative models. `python app.py` serves it on the
committed checkpoints; the same file is the Hugging Face Space's entry point."""
import os
from pathlib import Path

import gradio as gr

from genlab.checkpoint import checkpoint_dir
from genlab.device import describe, pick_device
from genlab.fairness import Fairness
from genlab.lab import Lab
from genlab.live import Runs
from genlab.shelf import Shelf
from ui import classify, explore, sample, sentences, text, text_gan, train
from ui.common import user_of
from ui.gradio_internals import admit_fairly

MAX_UPLOAD = "20mb"
CACHE_AGE = int(os.environ.get("GENLAB_CACHE_AGE", 3600))  # seconds an app-made or uploaded file is kept
SESSIONS_KEPT = 64  # sessions whose copy of every component's config Gradio keeps (10,000 by default)
CSS = """
.pixelated img { image-rendering: pixelated; }
table.confusion { border-collapse: collapse; font-size: 0.85em; }
table.confusion td, table.confusion th { padding: 2px 6px; text-align: right; border: 1px solid #ddd; }
"""

# Gradio's sketchpad starts with no tool chosen; pick the brush so a person can draw at once.
PICK_BRUSH = """
() => {
  const armed = new WeakSet();
  const arm = () => document.querySelectorAll('button[title="Brush"]').forEach((button) => {
    if (!armed.has(button) && button.offsetParent !== null) { armed.add(button); button.click(); }
  });
  new MutationObserver(arm).observe(document.body, { childList: true, subtree: true });
  arm();
}
"""


def build_app(folder: Path | None = None, cache_age: int = CACHE_AGE) -> gr.Blocks:
    """The app on the checkpoints in `folder` (GENLAB_CHECKPOINTS, else the committed ones). Every file it
    makes or receives is deleted `cache_age` seconds later, so its disk use stays flat however long it runs."""
    device = pick_device()
    shelf = Shelf(device=device)
    runs = Runs(shelf)
    runs.warm_up()
    lab = Lab.load(folder or checkpoint_dir(), device, shelf)
    with gr.Blocks(title="genlab", delete_cache=(max(1, cache_age // 6), cache_age)) as demo:
        gr.Markdown(f"# genlab\nSmall deep generative models you can play with and train. "
                    f"Running on {describe(device)}.")
        for name, error in lab.errors.items():
            gr.Markdown(f"⚠ Checkpoint **{name}** did not load: {error}")
        with gr.Tabs():
            classify.build(lab)
            explore.build(lab)
            sample.build(lab)
            text.build(lab)
            sentences.build(lab)
            text_gan.build(lab)
            train.build(runs)

        def forget_user(request: gr.Request) -> None:
            """A closed tab ends the session: stop its training run and delete its models."""
            runs.forget(user_of(request))

        demo.unload(forget_user)
    return demo


def launch(demo: gr.Blocks, fairness: Fairness | None = None, **options) -> tuple:
    """Queue and launch with the app-wide settings; the tests use it too. Every call asks `fairness`
    before it joins the queue. show_error: the errors Gradio itself raises before a handler runs (a
    file path that was never uploaded, say) reach the browser and API clients with their message, not
    as a bare "Error". The server listens on GRADIO_SERVER_NAME, else on loopback only: someone who
    wants the app on their network says so (a Space sets it itself)."""
    demo.queue(default_concurrency_limit=1, max_size=64)
    admit_fairly(demo, fairness or Fairness())
    return demo.launch(css=CSS, js=PICK_BRUSH, max_file_size=MAX_UPLOAD, show_error=True,
                       state_session_capacity=SESSIONS_KEPT, **options)


if __name__ == "__main__":
    launch(build_app(), Fairness.from_environment())
