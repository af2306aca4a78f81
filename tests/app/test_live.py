"""Training live from the browser, through gradio_client against the running app: a person starts a
short run, watches it stream, stops it, and then uses the model as "mine" in the other tabs; bad
knobs are refused; two people training at once each get their own model."""
import math
import re
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from gradio_client import Client, handle_file
from PIL import Image

from genlab.core.images import image_grid, upscale
from genlab.families import ARCHITECTURES
from genlab.families.generated import SCORED_DIGITS, conditional_gan, first_generated, scoring_recipes
from genlab.families.recipes import KNOBS
from tests.helpers import CHECKPOINTS

SHAKESPEARE = "tiny-shakespeare"


def knobs(name: str, **changes) -> list[float]:
    """The recipe's defaults in API order, with some changed; a knob it ignores gets another recipe's default."""
    recipes = [a.recipe for a in ARCHITECTURES.values()]
    fallback = {key: next(r.knobs[key].default for r in recipes if key in r.knobs) for key in KNOBS}
    recipe = ARCHITECTURES[name].recipe
    values = {key: recipe.knobs[key].default if key in recipe.knobs else fallback[key] for key in KNOBS}
    values.update(changes)
    return [values[key] for key in KNOBS]


def train(client: Client, name: str, text_source: str = SHAKESPEARE, text: str = "", **changes):
    return client.submit(name, *knobs(name, **changes), text_source, text, None, api_name="/train")


def finish(job, timeout: float = 240.0) -> list:
    """Every streamed update of a training job, once it ends."""
    deadline = time.monotonic() + timeout
    while not job.done():
        assert time.monotonic() < deadline, "the training run did not end in time"
        time.sleep(0.2)
    return job.outputs()


def progress_of(update) -> str:
    return re.sub(r"<[^>]+>", " ", update[0])


@pytest.mark.smoke
def test_a_short_cnn_run_streams_progress_and_becomes_my_classifier(running_app, digit_png):
    client = Client(running_app.src, verbose=False)
    with pytest.raises(Exception, match="no classifier of your own"):
        client.predict(handle_file(digit_png), "mine", api_name="/classify")

    updates = finish(train(client, "cnn", epochs=0.2, max_seconds=60))
    steps = [int(m.group(1)) for u in updates if (m := re.search(r"Step (\d+) of", progress_of(u)))]
    assert len(steps) >= 3 and steps == sorted(steps), "progress streams with rising steps"
    last = updates[-1]
    assert "Finished" in progress_of(last)
    assert "Test accuracy" in last[5]
    accuracy = float(re.search(r"Test accuracy \| ([\d.]+)%", last[5]).group(1))
    assert accuracy > 90.0, "a fifth of an epoch already reads most digits"
    files = sorted(Path(f).name for f in last[6])
    assert files == ["cnn.json", "cnn.safetensors"], "the download is the checkpoint pair"

    label = client.predict(handle_file(digit_png), "mine", api_name="/classify")[0]
    assert label["label"] == "7", "my own CNN reads the 7"


def test_stop_ends_a_run_within_seconds_and_keeps_what_it_learned(running_app):
    client = Client(running_app.src, verbose=False)
    job = train(client, "vae", epochs=20, max_seconds=300)
    deadline = time.monotonic() + 180
    while not any(int(m.group(1)) >= 100 for u in job.outputs() if (m := re.search(r"Step (\d+) of", progress_of(u)))):
        assert time.monotonic() < deadline, "the run never got to step 100"
        time.sleep(0.2)
    with pytest.raises(Exception, match="already have a training run"):
        client.predict("mlp", *knobs("mlp"), SHAKESPEARE, "", None, api_name="/train")

    asked = time.monotonic()
    assert client.predict(api_name="/stop_training") in ("Stopping…", "The run has ended.")
    updates = finish(job)
    assert time.monotonic() - asked < 60, "stop, final evaluation and save take seconds, not the whole run"
    assert "Stopped at step" in progress_of(updates[-1])
    elbo = float(re.search(r"negative ELBO \(nats[^)]*\) \| ([\d.]+)", updates[-1][5]).group(1))
    assert elbo < 250, "a hundred steps take the ELBO far below an untrained VAE's ~540 nats"

    mine = np.asarray(Image.open(client.predict("mine", *[0.5] * 16, api_name="/decode")[0])).astype(float)
    pretrained = np.asarray(Image.open(client.predict("vae", *[0.5] * 16, api_name="/decode")[0])).astype(float)
    assert mine.shape == pretrained.shape and mine.std() > 1, "the explorer decodes with my VAE"
    assert np.abs(mine - pretrained).mean() > 5, "...which is not the pretrained one"


def test_bad_knobs_are_refused_with_a_message(running_app):
    client = Client(running_app.src, verbose=False)
    with pytest.raises(Exception, match="'Learning rate' must be from 1e-05 to 0.05"):
        client.predict("cnn", *knobs("cnn", lr=0.5), SHAKESPEARE, "", None, api_name="/train")
    with pytest.raises(Exception, match="Hidden units must be from 32"):
        client.predict("vae", *knobs("vae", width=8), SHAKESPEARE, "", None, api_name="/train")
    with pytest.raises(Exception, match="training needs at least"):
        client.predict("lstm", *knobs("lstm"), "my text", "too short", None, api_name="/train")
    with pytest.raises(Exception, match="Unknown architecture|not in the list of choices"):
        client.predict("resnet", *knobs("cnn"), SHAKESPEARE, "", None, api_name="/train")
    assert client.predict(api_name="/stop_training") == "There is no training run to stop."


def test_two_people_training_at_once_keep_separate_models(running_app, digit_png):
    alice_digit = digit_png
    alice, bob = Client(running_app.src, verbose=False), Client(running_app.src, verbose=False)
    text = ("To be, or not to be, that is the question:\n"
            "Whether 'tis nobler in the mind to suffer\n") * 40
    alice_job = train(alice, "mlp", epochs=0.1, max_seconds=30)
    bob_job = train(bob, "lstm", "my text", text, epochs=1, max_seconds=20, width=64)
    alice_updates, bob_updates = finish(alice_job), finish(bob_job)
    waited = any("Waiting for a free trainer" in progress_of(u) for u in alice_updates + bob_updates)
    assert waited, "with one trainer the second run waits in line and says so"
    assert "Finished" in progress_of(alice_updates[-1]) and "Finished" in progress_of(bob_updates[-1])

    written = bob.predict("To be", "mine", 0.8, 0, 1.0, 40, 0, False, api_name="/generate")[0]
    assert written.startswith("To be") and len(written) == len("To be") + 40
    with pytest.raises(Exception, match="no character LSTM of your own"):
        alice.predict("To be", "mine", 0.8, 0, 1.0, 40, 0, False, api_name="/generate")
    with pytest.raises(Exception, match="no classifier of your own"):
        bob.predict(handle_file(alice_digit), "mine", api_name="/classify")
    assert alice.predict(handle_file(alice_digit), "mine", api_name="/classify")[0]["label"] == "7"


def test_a_downloaded_model_uploads_into_another_session(running_app, tmp_path):
    owner = Client(running_app.src, verbose=False)
    last = finish(train(owner, "mlpgan", epochs=0.05, max_seconds=20))[-1]
    assert "FID" in last[5]

    newcomer = Client(running_app.src, verbose=False)
    with pytest.raises(Exception, match="no GAN of your own"):
        newcomer.predict("mine", 0, 8, 1.0, "any", api_name="/sample")
    note = newcomer.predict([handle_file(f) for f in last[6]], api_name="/upload_checkpoint")
    assert "Loaded your GAN" in note
    grid, reading = newcomer.predict("mine", 0, 8, 1.0, "any", api_name="/sample")
    assert Path(grid).is_file() and "reads these 8 samples" in reading

    garbage = tmp_path / "model.safetensors"
    garbage.write_bytes(b"\x00not a checkpoint" * 10)
    meta = tmp_path / "model.json"
    meta.write_text(Path(last[6][1] if last[6][1].endswith(".json") else last[6][0]).read_text())
    with pytest.raises(Exception, match="not a readable safetensors file"):
        newcomer.predict([handle_file(str(garbage)), handle_file(str(meta))], api_name="/upload_checkpoint")
    with pytest.raises(Exception, match="Upload two files together"):
        newcomer.predict([handle_file(str(meta))], api_name="/upload_checkpoint")


def test_the_line_models_train_live_and_serve_as_mine(running_app):
    """A sentence VAE on my own verse and a text GAN on tiny-shakespeare, each trained for seconds, then
    used in their tabs as "mine"."""
    poet = Client(running_app.src, verbose=False)
    verse = "\n".join(f"The {w} of the {v} is {a}." for w in ("song", "light", "king", "sea", "night")
                      for v in ("morning", "river", "city", "forest") for a in ("mine", "gone", "near", "here",
                                                                                 "cold", "bright"))
    last = finish(train(poet, "textvae", "my text", verse * 2, epochs=5, max_seconds=5, width=64))[-1]
    assert "Finished" in progress_of(last) or "Stopped" in progress_of(last)
    assert "KL term (nats/line" in last[5] and "Sentences" in last[5]
    lines = poet.predict("mine", 4, 0.0, 1, api_name="/prior_lines")
    assert lines.count("<li>") == 4
    walked, _ = poet.predict("mine", "The song of the river is near.", "The king of the city is cold.", 4, False,
                             api_name="/walk_lines")
    assert walked.count("<li>") == 4

    gamer = Client(running_app.src, verbose=False)
    last = finish(train(gamer, "textgan", epochs=0.3, max_seconds=5, width=64))[-1]
    assert "distinct 4-grams" in last[5].lower() or "Distinct 4-grams" in last[5]
    table, _ = gamer.predict("mine", 3, 1.0, 0, api_name="/sample_text_gan")
    assert table.count("<tr>") == 3 + 2 and "Character LSTM" in table
    with pytest.raises(Exception, match="no sentence VAE of your own"):
        gamer.predict("mine", 4, 0.0, 1, api_name="/prior_lines")


def test_two_gan_recipes_compared_side_by_side(running_app):
    """A visitor compares one against two discriminator updates per generator update: both recipes
    train, one after the other, and the page shows both curves, both grids, both digit histograms
    and one table of results."""
    client = Client(running_app.src, verbose=False)
    tiny = dict(epochs=0.05, width=8, latent=16, max_seconds=60)
    job = client.submit("dcgan", *knobs("dcgan", **tiny), "", "d_steps=2", api_name="/compare")
    while not job.outputs():
        time.sleep(0.1)
    with pytest.raises(Exception, match="already have a training run"):
        client.predict("mlp", *knobs("mlp"), SHAKESPEARE, "", None, api_name="/train")
    updates = finish(job, timeout=600)

    waited = [u for u in updates if "Waits for recipe A" in progress_of(u)]
    assert waited, "recipe B waits while recipe A trains"
    status, losses, measured, grid_a, grid_b, _, _, histogram, results = updates[-1]
    assert progress_of(updates[-1]).count("Finished") == 2, progress_of(updates[-1])
    curves = {row[1] for row in losses["data"]}
    assert {"A: d loss", "B: d loss", "A: g loss", "B: g loss"} <= curves, "both recipes' losses on one plot"
    for grid in (grid_a, grid_b):
        assert np.asarray(Image.open(grid)).shape[:2] == (8 * 30 + 2, 8 * 30 + 2), "an 8x8 grid of samples"
    bars = histogram["data"]
    assert len(bars) == 20 and {row[1] for row in bars} == {"A", "B"}, "ten digits' shares for each recipe"
    assert abs(sum(row[2] for row in bars if row[1] == "B") - 1.0) < 0.01
    head, _, *rows = results.splitlines()
    assert "A: the base recipe" in head and "B: d_steps=2" in head
    table = {row.split(" | ")[0].strip("| "): row.split(" | ")[1:] for row in rows}
    fid_a, fid_b = (float(v.strip(" |")) for v in table["FID, 10k samples vs 10k test images (our CNN's features)"])
    assert fid_a > 0 and fid_b > 0
    steps_a, steps_b = (int(v.strip(" |").replace(",", "")) for v in table["Training steps"])
    assert steps_b == steps_a // 2, "two discriminator updates a step: half the generator's steps per epoch"
    assert f"recipe A did {steps_a:,}, recipe B {steps_b:,}" in results, "the table says why the steps differ"


def test_a_cnn_learns_from_generated_digits_and_stop_keeps_both_results(running_app, digit_png):
    """A visitor asks the Train tab whether the committed conditional DCGAN's digits can stand in for
    real ones: the same CNN trains on 15,000 real digits, then on 15,000 drawn ones, both tested on the
    real test set. Once recipe B's first test accuracy is in they have seen enough and press Stop: recipe
    A's result stays, B's CNN is measured where it stopped and becomes their classifier, and reads a 7.
    (A comparison run to its end is the GAN comparison's story; the full budget's scores are on the
    cdcgan's card, measured by eval.)"""
    client = Client(running_app.src, verbose=False)
    job = client.submit("cdcgan", "generated", api_name="/score_generated")

    def b_measured() -> bool:
        outputs = job.outputs()
        plot = outputs[-1][2] if outputs else None
        return bool(plot) and any(row[1] == "B: Test accuracy" and isinstance(row[2], float) and math.isfinite(row[2])
                                  for row in plot["data"])  # the legend names B's curve before it has a value

    deadline = time.monotonic() + 300
    while not b_measured():
        assert time.monotonic() < deadline and not job.done(), "recipe B never measured its CNN"
        time.sleep(0.2)
    assert client.predict(api_name="/stop_training") in ("Stopping…", "The run has ended.")
    updates = finish(job)
    assert any("Waits for recipe A" in progress_of(u) for u in updates), "recipe B waits while recipe A trains"
    status, headline, accuracy, drawn, results = updates[-1]
    assert "Finished" in progress_of(updates[-1]) and "Stopped at step" in progress_of(updates[-1]), \
        progress_of(updates[-1])
    assert {"A: Test accuracy", "B: Test accuracy"} <= {row[1] for row in accuracy["data"]}
    head, _, *rows = results.splitlines()
    assert f"A: real_digits={SCORED_DIGITS}" in head and f"B: real_digits=0, generated_digits={SCORED_DIGITS}" in head
    real, generated = (float(v.strip(" |%")) for v in rows[0].split(" | ")[1:])
    assert rows[0].startswith("| Test accuracy") and real > 95 and generated > 80, rows[0]
    # The headline says it first: both accuracies, as the table has them, and the gap between them.
    assert f"trained on real digits: **{real:.2f}%**" in headline and f"the GAN's digits: **{generated:.2f}%**" in headline
    assert f"**{abs(generated - real):.2f} points lower**" in headline, headline
    # On show: the first digits recipe B learned from, a row for each digit asked for.
    settings_b = scoring_recipes("generated", str(CHECKPOINTS / "cdcgan"), 60)[1][1]
    first = first_generated(conditional_gan(settings_b.digits_from, torch.device("cpu")), SCORED_DIGITS, 10, settings_b.seed)
    assert np.array_equal(np.asarray(Image.open(drawn).convert("L")), upscale(image_grid(first.images, columns=10), 2))
    label = client.predict(handle_file(digit_png), "mine", api_name="/classify")[0]
    assert label["label"] == "7", "the CNN that learned only from drawn digits reads a real 7"
