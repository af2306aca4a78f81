"""The app tier: a real server, called through gradio_client."""
from tests.server import fairness, running_app  # noqa: F401  (fixtures)
