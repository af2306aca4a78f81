"""genlab: an interactive lab for small deep generative models. `python app.py` serves it on the
committed checkpoints; the same file is the Hugging Face Space's entry point."""
import os
from pathlib import Path

import gradio as gr
from starlette.middleware import Middleware

from genlab.core.checkpoint import checkpoint_dir
from genlab.core.device import describe, pick_device
from genlab.serve.fairness import Fairness
from genlab.serve.lab import Lab
from genlab.serve.runs.line import Runs
from genlab.serve.shelf import Shelf, keep_few_heaps
from ui import choices, classify, explore, sample, sentences, text, text_gan, train, web
from ui.choices import finish_choices
from ui.common import user_of
from ui.gradio_internals import admit_fairly, guard_routes, mend_cache_sweep
from ui.zerogpu import lent_training

MAX_UPLOAD = "20mb"
CACHE_AGE = int(os.environ.get("GENLAB_CACHE_AGE", 3600))  # seconds an app-made or uploaded file is kept
SESSIONS_KEPT = 64  # sessions whose copy of every component's config Gradio keeps (10,000 by default)
PAGE = Path(__file__).parent / "ui"
CSS = (PAGE / "page.css").read_text()
JS = (PAGE / "page.js").read_text()
WELCOME = ("# genlab\nSmall neural networks that read, draw and write, running live. **Draw a digit below** "
           "to start, then train a model of your own in **Train**.")


def build_app(folder: Path | None = None, cache_age: int = CACHE_AGE) -> gr.Blocks:
    """The app on the checkpoints in `folder` (GENLAB_CHECKPOINTS, else the committed ones). Every file it
    makes or receives is deleted `cache_age` seconds later, so its disk use stays flat however long it runs."""
    keep_few_heaps()
    gpu = lent_training()  # first: on ZeroGPU it imports `spaces`, which must come before anything touches CUDA
    device = pick_device()
    shelf = Shelf(device=device)
    runs = Runs(shelf, gpu=gpu)
    runs.warm_up()
    lab = Lab.load(folder or checkpoint_dir(), device, runs)
    mend_cache_sweep()
    with gr.Blocks(title="genlab", delete_cache=(max(1, cache_age // 6), cache_age)) as demo:
        gr.Markdown(WELCOME, elem_id="welcome")
        for name, error in lab.errors.items():
            gr.Markdown(f"⚠ Checkpoint **{name}** did not load: {error}")
        with gr.Tabs(overflow_behavior="wrap"):
            classify.build(lab)
            explore.build(lab)
            sample.build(lab)
            text.build(lab)
            sentences.build(lab)
            text_gan.build(lab)
            train.build(lab)
        about(describe(device))
        finish_choices(demo)

        def forget_user(request: gr.Request) -> None:
            """A closed tab ends the session: stop its training run and delete its models."""
            runs.forget(user_of(request))

        demo.unload(forget_user)
    return demo


def about(device: str) -> None:
    """The page's footer: what each tab is for, and the facts about the machine it runs on."""
    with gr.Accordion("About genlab", open=False, elem_id="about"):
        gr.Markdown("- **Classify**: draw a digit; two networks read it and show what they looked at.\n"
                    "- **VAE explorer**: move through a variational autoencoder's latent space of digits.\n"
                    "- **GAN sampler**: digits drawn by three generative adversarial networks.\n"
                    "- **Text**: a character LSTM continues what you type.\n"
                    "- **Sentences**: a sentence VAE rebuilds lines of verse and walks between them.\n"
                    "- **Text GAN**: lines from a GAN's generator beside those of the LSTM.\n"
                    "- **Train**: train any of these models yourself, then use it as **Mine** in its tab.\n\n"
                    f"Running on {device}.")


def launch(demo: gr.Blocks, fairness: Fairness | None = None, **options) -> tuple:
    """Queue and launch with the app-wide settings; the tests use it too. Every call asks `fairness`
    before it joins the queue. show_error: the errors Gradio itself raises before a handler runs (a
    file path that was never uploaded, say) reach the browser and API clients with their message, not
    as a bare "Error". The server listens on GRADIO_SERVER_NAME, else on loopback only: someone who
    wants the app on their network says so (a Space sets it itself)."""
    demo.queue(default_concurrency_limit=1, max_size=64)
    admit_fairly(demo, fairness or Fairness())
    middleware = [guard_routes(demo), Middleware(web.CompressedPage)]
    return demo.launch(css=CSS, js=JS, max_file_size=MAX_UPLOAD, show_error=True, state_session_capacity=SESSIONS_KEPT,
                       head=web.HEAD, app_kwargs={"routes": web.routes() + choices.routes(), "middleware": middleware}, **options)


if __name__ == "__main__":
    launch(build_app(), Fairness.from_environment())
