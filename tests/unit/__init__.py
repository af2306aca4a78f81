"""Tests that need no server and no browser: the package, the models and the checkpoints."""
