"""The running app, driven through gradio_client the way an API user (or the browser) drives it."""
import io

import numpy as np
import pytest
from PIL import Image


def test_pictures_the_app_makes_are_whole_even_when_many_requests_make_the_same_one(tmp_path):
    """Sixteen threads cache the same picture at once: each gets the one path, always a whole PNG, and no
    half-written staging file is left behind."""
    from concurrent.futures import ThreadPoolExecutor

    from ui.gradio_internals import cached_file

    picture = Image.fromarray(np.random.default_rng(0).integers(0, 255, (224, 224, 3), dtype=np.uint8))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")

    def cache_and_read(_: int) -> tuple[str, tuple]:
        path = cached_file(buffer.getvalue(), "image.png", tmp_path)
        return path, np.asarray(Image.open(path)).shape

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(cache_and_read, range(64)))
    assert {path for path, _ in results} == {results[0][0]}
    assert all(shape == (224, 224, 3) for _, shape in results)
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["image.png"]


def test_an_unexpected_failure_reaches_the_caller_as_a_plain_sentence(caplog):
    """A bug, or the machine running out of something, is logged on the server; the caller reads a
    sentence that names no path, allocator or exception of the server's."""
    import gradio as gr

    from ui.common import answers

    def broken(model: str):
        raise RuntimeError("[enforce fail at /srv/torch/alloc_cpu.cpp:117] can't allocate 3298534883328 bytes")

    with pytest.raises(gr.Error) as refused:
        answers(broken)("mlp")
    assert "could not answer this call" in refused.value.message
    assert "/srv" not in refused.value.message and "allocate" not in refused.value.message
    assert "alloc_cpu.cpp" in caplog.text, "the server's log keeps the details"
