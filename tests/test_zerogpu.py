"""On a Hugging Face ZeroGPU Space every handler that runs a model borrows the GPU through
`spaces.GPU`; everywhere else the handlers are the plain functions. ZeroGPU itself cannot run here,
so a stand-in `spaces` module records what the real one would be asked to wrap."""
import functools
import inspect
import sys
import types

import app

MODEL_ENDPOINTS = {"/classify", "/decode", "/random_code", "/encode", "/interpolate", "/sample", "/new_seed",
                   "/every_digit", "/interpolate_seeds", "/generate", "/look_inside", "/walk_lines", "/rebuild_line",
                   "/prior_lines", "/new_lines_seed", "/sample_text_gan", "/new_text_gan_seed"}
NOT_ON_GPU = {"/train", "/stop_training", "/upload_checkpoint"}  # bookkeeping: training runs are CPU processes


def stand_in_spaces() -> types.ModuleType:
    """spaces.GPU(duration=...) as the real one behaves to the caller: the same function, generator or not."""
    spaces = types.ModuleType("spaces")

    def GPU(duration: int = 60):
        def wrap(handler):
            if inspect.isgeneratorfunction(handler):
                @functools.wraps(handler)
                def borrowed(*args, **kwargs):
                    yield from handler(*args, **kwargs)
            else:
                @functools.wraps(handler)
                def borrowed(*args, **kwargs):
                    return handler(*args, **kwargs)
            borrowed.gpu_seconds = duration
            return borrowed
        return wrap

    spaces.GPU = GPU
    return spaces


def endpoints(demo) -> dict:
    return {"/" + fn.api_name: fn.fn for fn in demo.fns.values() if fn.api_name and fn.api_visibility == "public"}


def test_on_zerogpu_every_model_handler_borrows_the_gpu(monkeypatch):
    monkeypatch.setitem(sys.modules, "spaces", stand_in_spaces())
    monkeypatch.setenv("SPACES_ZERO_GPU", "true")
    demo = app.build_app()
    handlers = endpoints(demo)
    assert set(handlers) == MODEL_ENDPOINTS | NOT_ON_GPU, "a new endpoint must say whether it runs a model"
    for name in MODEL_ENDPOINTS:
        assert 0 < getattr(handlers[name], "gpu_seconds", 0) <= 120, f"{name} borrows the GPU within ZeroGPU's limits"
    assert inspect.isgeneratorfunction(handlers["/generate"]), "the text still streams"
    for name in NOT_ON_GPU:
        assert not hasattr(handlers[name], "gpu_seconds")
    demo.close()


def test_elsewhere_the_handlers_are_the_plain_functions(monkeypatch):
    monkeypatch.setitem(sys.modules, "spaces", stand_in_spaces())
    monkeypatch.delenv("SPACES_ZERO_GPU", raising=False)
    demo = app.build_app()
    assert not any(hasattr(handler, "gpu_seconds") for handler in endpoints(demo).values())
    demo.close()
