"""Tests of the real app over HTTP, through gradio_client as an API user drives it."""
