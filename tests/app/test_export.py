"""The image models as the browser runs them: ONNX graphs exported by genlab, checked with the
`onnxruntime` package against our torch models, and served by the app to the page."""

import httpx
import pytest

from genlab.models.loading import load_all
from tests.helpers import CHECKPOINTS

CHECKPOINTS_LOADED, _ = load_all(CHECKPOINTS)
@pytest.mark.smoke
def test_the_app_serves_the_runtime_and_graphs_by_key_only(running_app):
    base = running_app.src.rstrip("/")
    wasm = httpx.get(f"{base}/genlab/web/vendor/onnxruntime-web/ort-wasm-simd-threaded.wasm", timeout=30)
    assert wasm.is_success and wasm.headers["content-type"] == "application/wasm" and wasm.content[:4] == b"\0asm"
    module = httpx.get(f"{base}/genlab/web/explore.js", timeout=30)
    assert module.is_success and "javascript" in module.headers["content-type"]
    assert "MIT License" in httpx.get(f"{base}/genlab/web/vendor/onnxruntime-web/LICENSE", timeout=30).text
    missing = httpx.get(f"{base}/genlab/models/not-a-key.onnx", timeout=30)
    assert missing.status_code == 404 and "choose the model again" in missing.text
    assert httpx.get(f"{base}/genlab/web/../web.py", timeout=30).status_code == 404
    assert httpx.get(f"{base}/genlab/web/%2e%2e/web.py", timeout=30).status_code == 404
