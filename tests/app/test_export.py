"""The image models as the browser runs them: ONNX graphs exported by genlab, checked with the
`onnxruntime` package against our torch models, and served by the app to the page."""

import re

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
    plain = httpx.get(runtime, headers={"accept-encoding": "identity"}, timeout=30)
    assert plain.is_success and plain.headers["content-type"] == "application/wasm" and plain.content[:4] == b"\0asm"
    assert "content-encoding" not in plain.headers
    wasm = httpx.get(runtime, headers={"accept-encoding": "gzip, deflate, br, zstd"}, timeout=30)  # Chromium's
    assert wasm.headers["content-encoding"] == "br" and wasm.content == plain.content
    zipped = httpx.get(runtime, headers={"accept-encoding": "gzip"}, timeout=30)
    assert zipped.headers["content-encoding"] == "gzip" and zipped.content == plain.content
    assert wasm.num_bytes_downloaded < 0.7 * zipped.num_bytes_downloaded < len(plain.content) / 3, \
        "the runtime, most of a first visit's bytes, goes in brotli, else gzipped"
    refusing = httpx.get(runtime, headers={"accept-encoding": "br;q=0, gzip"}, timeout=30)
    assert refusing.headers["content-encoding"] == "gzip"
    again = httpx.get(runtime, headers={"if-none-match": wasm.headers["etag"]}, timeout=30)
    assert again.status_code == 304, "a browser's cached copy is still good"
    module = httpx.get(f"{base}/genlab/web/explore.js", timeout=30)
    assert module.is_success and "javascript" in module.headers["content-type"]
    assert "MIT License" in httpx.get(f"{base}/genlab/web/vendor/onnxruntime-web/LICENSE", timeout=30).text
    missing = httpx.get(f"{base}/genlab/models/not-a-key.onnx", timeout=30)
    assert missing.status_code == 404 and "choose the model again" in missing.text
    assert httpx.get(f"{base}/genlab/web/../web.py", timeout=30).status_code == 404
    assert httpx.get(f"{base}/genlab/web/%2e%2e/web.py", timeout=30).status_code == 404


def test_a_first_visits_page_and_gradios_own_scripts_go_gzipped_and_api_answers_as_they_are(running_app):
    """The page (every tab's config inside) and Gradio's scripts are gzipped for a browser that accepts it, as our
    modules are; the answers of API calls are not (compressing them would cost the server's CPU on every call)."""
    gzip_only = {"accept-encoding": "gzip"}
    page = httpx.get(running_app.src, headers=gzip_only, timeout=30)
    assert page.headers["content-encoding"] == "gzip" and "window.gradio_config" in page.text
    assert page.num_bytes_downloaded < len(page.content) / 3
    plain = httpx.get(running_app.src, headers={"accept-encoding": "identity"}, timeout=30)
    assert "content-encoding" not in plain.headers and "window.gradio_config" in plain.text
    script = re.search(r'src="[^"]*?(assets/[^"]+\.js)"', page.text).group(1)
    assert httpx.get(running_app.src + script, headers=gzip_only, timeout=30).headers["content-encoding"] == "gzip"
    info = httpx.get(f"{running_app.src}gradio_api/info", headers=gzip_only, timeout=30)
    assert info.is_success and "content-encoding" not in info.headers and "/classify" in info.json()["named_endpoints"]


def test_the_app_serves_the_test_digits_an_interpolation_starts_from(running_app, mnist_test):
    """The page's interpolation reads test digits from files the app serves: 100 digits' grey levels, then their
    labels, the very digits the server interpolates from; past the last file, a 404."""
    first = httpx.get(f"{running_app.src}genlab/data/mnist-test/0.bin", timeout=30)
    assert first.status_code == 200 and len(first.content) == 100 * (784 + 1)
    grey = np.frombuffer(first.content[:100 * 784], np.uint8).reshape(100, 1, 28, 28)
    assert np.array_equal(grey / np.float32(255), mnist_test.images[:100].numpy())
    assert list(first.content[100 * 784:]) == mnist_test.labels[:100].tolist()
    assert httpx.get(f"{running_app.src}genlab/data/mnist-test/100.bin", timeout=30).status_code == 404
