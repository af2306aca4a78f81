"""The ONNX graphs the page fetches to run models itself, each under an unguessable key, so a visitor's
own model is fetched by nobody but the page it was made for. The committed models are exported when a
page first fetches their graph and kept (a tab never opened costs no export); visitors' models are
exported when first asked for, so that one too large for the page is known at once, and kept while
the model lives, within a byte budget (least recently used out, exported again if asked for again)."""
import secrets
import threading
import weakref
from collections import OrderedDict

from genlab.core.checkpoint import Checkpoint
from genlab.serve.export import MODEL, ExportError, to_onnx

MODELS_PATH = "genlab/models"  # where the page fetches a graph: MODELS_PATH/KEY.onnx, relative to the app
VISITORS_BUDGET = 256 * 1024 * 1024  # bytes of visitors' graphs kept at once


class WebModels:
    def __init__(self, budget: int = VISITORS_BUDGET):
        self.budget = budget
        self._lock = threading.Lock()
        self._keys: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> {part: key}
        self._graphs: OrderedDict[str, bytes] = OrderedDict()  # key -> ONNX, visitors' least recently used first
        self._kept: dict[str, bytes] = {}  # key -> ONNX of models that are never let go
        self._unexported: dict[str, tuple[Checkpoint, str]] = {}  # key -> a kept model's part, until first fetched

    def url(self, checkpoint: Checkpoint, keep: bool = False, part: str = MODEL) -> str:
        """Where the page fetches this checkpoint's graph of `part` (genlab.serve.export). `keep`: a
        committed model, exported when first fetched and held for the server's lifetime; any other is
        exported now, and raises ExportError if the page cannot run it."""
        with self._lock:
            key = self._keys.get(checkpoint.model, {}).get(part)
            if key is not None and (key in self._kept or key in self._graphs or key in self._unexported):
                if key in self._graphs:
                    self._graphs.move_to_end(key)
                return f"{MODELS_PATH}/{key}.onnx"
            if keep:  # exported when first fetched (graph())
                key = self._keys.setdefault(checkpoint.model, {}).setdefault(part, secrets.token_urlsafe(18))
                self._unexported[key] = (checkpoint, part)
                return f"{MODELS_PATH}/{key}.onnx"
        graph = to_onnx(checkpoint, part)  # outside the lock: an export takes a moment
        with self._lock:
            parts = self._keys.setdefault(checkpoint.model, {})
            key = parts.setdefault(part, secrets.token_urlsafe(18))
            self._graphs[key] = graph
            weakref.finalize(checkpoint.model, self._drop, key)
            self._trim()
        return f"{MODELS_PATH}/{key}.onnx"

    def try_url(self, checkpoint: Checkpoint | None, keep: bool = False, part: str = MODEL) -> tuple[str | None, str]:
        """(url, '') or (None, why the page cannot run it)."""
        if checkpoint is None:
            return None, ""
        try:
            return self.url(checkpoint, keep, part), ""
        except ExportError as err:
            return None, str(err)

    def graph(self, key: str) -> bytes | None:
        with self._lock:
            found = self._kept.get(key) or self._graphs.get(key)
            unexported = self._unexported.get(key)
        if found is None and unexported is not None:
            found = to_onnx(*unexported)  # outside the lock; two first fetches at once export twice, harmlessly
            with self._lock:
                self._kept[key] = found
                self._unexported.pop(key, None)
        return found

    def visitors_bytes(self) -> int:
        with self._lock:
            return sum(map(len, self._graphs.values()))

    def _drop(self, key: str) -> None:
        with self._lock:
            self._graphs.pop(key, None)

    def _trim(self) -> None:
        """Within the budget, always keeping the graph just added."""
        while len(self._graphs) > 1 and sum(map(len, self._graphs.values())) > self.budget:
            self._graphs.popitem(last=False)


WEB_MODELS = WebModels()  # the graphs this server process serves; the route and the tabs share it
