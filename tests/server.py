"""The real app on a free loopback port, for the tiers that need one (tests/app and tests/browser each
import these fixtures in their conftest, so each tier gets its own server: no tier's load reaches the
other's)."""
import os

import pytest

from genlab.serve.fairness import Fairness


@pytest.fixture(scope="session")
def fairness() -> Fairness:
    """The running app's fairness policy. The suite's clients call far faster than people do (the load
    test, the contract's hundreds of calls), so its rate limit is generous; a test of the limits sets
    the app's own defaults on it while it runs."""
    return Fairness(burst=1_000_000)


@pytest.fixture(scope="session")
def built_app(tmp_path_factory):
    """The app on the committed checkpoints, built once a tier (the static site is written from it too)."""
    os.environ.setdefault("GRADIO_TEMP_DIR", str(tmp_path_factory.mktemp("gradio")))
    import app

    demo = app.build_app()
    yield demo
    demo.close()


@pytest.fixture(scope="session")
def running_app(built_app, fairness):
    """The real app on a free loopback port, with a gradio_client connected to it."""
    from gradio_client import Client

    import app

    _, url, _ = app.launch(built_app, fairness, prevent_thread_lock=True, server_name="127.0.0.1", server_port=None,
                           quiet=True)
    client = Client(url, verbose=False)
    yield client
    client.close()
