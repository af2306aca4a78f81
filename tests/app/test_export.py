"""The image models as the browser runs them: ONNX graphs exported by genlab, checked with the
`onnxruntime` package against our torch models, and served by the app to the page."""

import httpx
import numpy as np
import pytest

from genlab.models.loading import load_all
from tests.helpers import CHECKPOINTS

CHECKPOINTS_LOADED, _ = load_all(CHECKPOINTS)
@pytest.mark.smoke
def test_the_app_serves_the_runtime_and_graphs_by_key_only(running_app):
    base = running_app.src.rstrip("/")
    runtime = f"{base}/genlab/web/vendor/onnxruntime-web/ort-wasm-simd-threaded.wasm"
    wasm = httpx.get(runtime, timeout=30)  # httpx, like a browser, accepts gzip
    assert wasm.is_success and wasm.headers["content-type"] == "application/wasm" and wasm.content[:4] == b"\0asm"
    assert wasm.headers["content-encoding"] == "gzip" and wasm.num_bytes_downloaded < len(wasm.content) / 3, \
        "the runtime, most of a first visit's bytes, goes gzipped"
    plain = httpx.get(runtime, headers={"accept-encoding": "identity"}, timeout=30)
    assert "content-encoding" not in plain.headers and plain.content == wasm.content
    again = httpx.get(runtime, headers={"if-none-match": wasm.headers["etag"]}, timeout=30)
    assert again.status_code == 304, "a browser's cached copy is still good"
    module = httpx.get(f"{base}/genlab/web/explore.js", timeout=30)
    assert module.is_success and "javascript" in module.headers["content-type"]
    assert "MIT License" in httpx.get(f"{base}/genlab/web/vendor/onnxruntime-web/LICENSE", timeout=30).text
    missing = httpx.get(f"{base}/genlab/models/not-a-key.onnx", timeout=30)
    assert missing.status_code == 404 and "choose the model again" in missing.text
    assert httpx.get(f"{base}/genlab/web/../web.py", timeout=30).status_code == 404
    assert httpx.get(f"{base}/genlab/web/%2e%2e/web.py", timeout=30).status_code == 404


def test_the_app_serves_the_test_digits_an_interpolation_starts_from(running_app, mnist_test):
    """The page's interpolation reads test digits from files the app serves: 100 digits' grey levels, then their
    labels, the very digits the server interpolates from; past the last file, a 404."""
    first = httpx.get(f"{running_app.src}genlab/data/mnist-test/0.bin", timeout=30)
    assert first.status_code == 200 and len(first.content) == 100 * (784 + 1)
    grey = np.frombuffer(first.content[:100 * 784], np.uint8).reshape(100, 1, 28, 28)
    assert np.array_equal(grey / np.float32(255), mnist_test.images[:100].numpy())
    assert list(first.content[100 * 784:]) == mnist_test.labels[:100].tolist()
    assert httpx.get(f"{running_app.src}genlab/data/mnist-test/100.bin", timeout=30).status_code == 404
