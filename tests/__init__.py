"""genlab's tests in three tiers, a folder and a marker each: unit (no server, no browser), app (a real
server through gradio_client) and browser (Chromium driven by Playwright). `python -m pytest -m unit`
runs one tier; a folder's conftest holds what only its tier needs."""
