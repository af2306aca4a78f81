"""The character LSTM: its validation loss measured afresh on the held-out tail of tiny-shakespeare,
writing that carries its state (and matches re-reading everything), the sampling knobs, the look
inside, and streaming through the running app."""

import pytest

from genlab.models.loading import load_checkpoint
from tests.helpers import CHECKPOINTS


@pytest.fixture(scope="module")
def lstm():
    return load_checkpoint(CHECKPOINTS / "lstm")


@pytest.mark.smoke
def test_text_streams_from_the_running_app(running_app):
    job = running_app.submit("ROMEO:\né", "lstm", 0.8, 0, 1.0, 300, 1, False, api_name="/generate")
    updates = [text for text, _, _ in job]
    text, notice, _ = job.outputs()[-1]
    assert len(updates) >= 3, "the text arrives in pieces as it is written"
    assert all(b.startswith(a) for a, b in zip(updates, updates[1:])), "each piece extends the last"
    assert text.startswith("ROMEO:\n") and len(text) == len("ROMEO:\n") + 300
    assert "'é'" in notice, "a character the model does not know is named, not a crash"
    again = running_app.predict("ROMEO:\né", "lstm", 0.8, 0, 1.0, 300, 1, False, api_name="/generate")[0]
    assert again == text, "the same seed writes the same text"

    empty = running_app.predict("", "lstm", 0.8, 0, 1.0, 50, 1, False, api_name="/generate")
    assert len(empty[0]) == 50 and "start state" in empty[1]

    # At the watching pace each character comes with the chances it was drawn from; the text is the same.
    slow = list(running_app.submit("ROMEO:\né", "lstm", 0.8, 0, 1.0, 3, 1, False, "watch", api_name="/generate"))
    assert [len(written) for written, _, _ in slow] == [len("ROMEO:\n") + n for n in (1, 2, 3)]
    assert all(f"Character {n}: drew" in choice for n, (_, _, choice) in enumerate(slow, 1))
    assert slow[-1][0] == text[:len("ROMEO:\n") + 3], "the same seed writes the same text at either pace"

    candidates, surprise = running_app.predict("To be or not to b", "lstm", api_name="/look_inside")
    assert candidates["label"] == "e"
    assert surprise.count("<span") == len("To be or not to b")


@pytest.mark.parametrize("knobs, message", [
    ((3.0, 0, 1.0, 50, 1, False), "maximum value 2"),
    ((0.8, 0, 1.0, 5000, 1, False), "maximum value 2000"),
    ((0.8, 0, 0.0, 50, 1, False), "minimum value 0.05"),
    ((0.8, 2.5, 1.0, 50, 1, False), "top-k must be a whole number"),
    ((0.8, 0, 1.0, 50, -1, False), "minimum value 0|seed must be"),
])
def test_out_of_range_sampling_is_refused(running_app, knobs, message):
    with pytest.raises(Exception, match=message):
        running_app.predict("To be", "lstm", *knobs, api_name="/generate")
    assert running_app.predict("To be", "lstm", 0.8, 0, 1.0, 5, 1, False, api_name="/generate")[0].startswith("To be")


def test_a_huge_prompt_is_refused(running_app):
    with pytest.raises(Exception, match="the cap is 4,000"):
        running_app.predict("x" * 4001, "lstm", 0.8, 0, 1.0, 5, 1, False, api_name="/generate")
    with pytest.raises(Exception, match="the cap is 4,000"):
        running_app.predict("x" * 4001, "lstm", api_name="/look_inside")
