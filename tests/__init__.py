"""genlab's tests in four tiers, a folder and a marker each: unit (no server, no browser, seconds),
models (the committed models measured afresh and short real training runs: no server, no browser,
minutes), app (a real server through gradio_client) and browser (Chromium driven by Playwright).
`python -m pytest -m unit` runs one tier; a folder's conftest holds what only its tier needs."""
