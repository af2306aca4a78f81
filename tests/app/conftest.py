"""The app tier: a real server, called through gradio_client."""
from tests.server import built_app, fairness, running_app  # noqa: F401  (fixtures)
