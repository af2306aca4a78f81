"""What every tab shares: who is asking, how genlab's refusals reach them, and the inference pool."""
import functools
import inspect
import logging

import gradio as gr

from genlab.core.errors import RequestError
from genlab.serve.lab import MINE, Lab

log = logging.getLogger("genlab")
CHEAP = {"concurrency_limit": 8, "concurrency_id": "inference"}  # fast handlers share one pool
MINE_TITLE = "Mine (from the Train tab)"
MODEL_RADIO = "genlab-{family}-model"  # the elem_id of a tab's model radio, by the family it chooses from


def user_of(request: gr.Request | None) -> str:
    """The browser session (or gradio_client) a request comes from: the owner of 'mine' models."""
    return getattr(request, "session_hash", None) or "anonymous"


def readable(err: Exception) -> gr.Error:
    """What the caller reads: a refusal's own words; for anything else (a bug, the machine out of
    something) a plain sentence, the details going to the server's log, never to a stranger."""
    if isinstance(err, gr.Error):
        return err
    if isinstance(err, RequestError):
        return gr.Error(str(err))
    log.exception("a handler failed")
    return gr.Error("The server could not answer this call (its log says why). Please try again; if it "
                    "fails again, try other values.")


def answers(handler):
    """The handler with genlab's refusals (RequestError) raised as gr.Error, whose message the page
    shows and an API client reads, and any other failure as a message naming nothing internal.
    Generators stay generators, so streaming handlers still stream."""
    if inspect.isgeneratorfunction(handler):
        @functools.wraps(handler)
        def streaming(*args, **kwargs):
            try:
                yield from handler(*args, **kwargs)
            except Exception as err:  # every failure becomes a message for the caller
                raise readable(err) from None
        return streaming

    @functools.wraps(handler)
    def answering(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except Exception as err:  # every failure becomes a message for the caller
            raise readable(err) from None
    return answering


def runs_a_model(handler):
    """A handler that runs a model: refusals answered. It runs in the server process on the server's
    device, where every visitor's model is, and never asks ZeroGPU for a GPU (ui/zerogpu.py says why)."""
    return answers(handler)


def model_choices(lab: Lab, titles: dict[str, str]) -> list[tuple[str, str]]:
    """The radio choices of a tab: its pretrained models that the lab knows (loaded or not), then Mine."""
    names = [name for name in titles if name in lab.checkpoints or name in lab.errors]
    return [(titles[name], name) for name in names] + [(MINE_TITLE, MINE)]
