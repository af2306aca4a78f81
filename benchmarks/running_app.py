"""Start the app (or another Gradio module) in a subprocess on a free loopback port, and connect to it."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from gradio_client import Client

from genlab.families import ARCHITECTURES
from genlab.families.recipes import KNOBS

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def train_call(architecture: str, **changes: float) -> dict:
    """/train's arguments by name: the recipe's knobs, some changed; a knob it ignores at the lowest value
    any recipe allows (the Train tab's slider accepts every recipe's range)."""
    lowest = {key: min(a.recipe.knobs[key].low for a in ARCHITECTURES.values() if key in a.recipe.knobs)
              for key in KNOBS}
    knobs = lowest | ARCHITECTURES[architecture].recipe.defaults() | changes
    return {"architecture": architecture, **knobs, "text_source": "tiny-shakespeare", "text": "", "text_file": None}


UNMETERED = {"GENLAB_RATE": "1000000"}  # the fairness policy's rate out of the way of a latency benchmark


class RunningApp:
    """`python app.py` (or `python -m module`) on a free port, with a gradio_client connected. Unless
    `metered`, the app runs without the per-visitor rate limit, so that a benchmark making hundreds of
    calls in a row times the app, not the policy (the calls in flight stay limited)."""

    def __init__(self, command: tuple[str, ...] = ("app.py",), env: dict[str, str] | None = None,
                 metered: bool = False):
        self.command, self.env = command, {**({} if metered else UNMETERED), **(env or {})}

    def __enter__(self) -> Client:
        port = free_port()
        env = {**os.environ, "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port),
               "GRADIO_ANALYTICS_ENABLED": "False", **self.env}
        self.process = subprocess.Popen([sys.executable, *self.command], cwd=ROOT, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while True:
            try:
                self.client = Client(f"http://127.0.0.1:{port}/", verbose=False)
                return self.client
            except Exception:  # not listening yet
                if time.time() > deadline or self.process.poll() is not None:
                    self.process.kill()
                    raise RuntimeError("the app did not start within 120 s")
                time.sleep(0.5)

    def __exit__(self, *exc) -> None:
        self.client.close()
        self.process.terminate()
        self.process.wait(timeout=30)


class ServedFolder:
    """A folder served by `python -m http.server` on a free loopback port, as any plain static server serves it
    (the static site, `python -m genlab site`): its address."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __enter__(self) -> str:
        port = free_port()
        self.process = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "-d",
                                         str(self.folder), str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return f"http://127.0.0.1:{port}/"
            except OSError:  # not listening yet
                if time.time() > deadline or self.process.poll() is not None:
                    self.process.kill()
                    raise RuntimeError("python -m http.server did not start within 30 s") from None
                time.sleep(0.1)

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
