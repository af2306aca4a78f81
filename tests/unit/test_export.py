"""The image models as the browser runs them: ONNX graphs exported by genlab, checked with the
`onnxruntime` package against our torch models, and served by the app to the page."""
import copy
import subprocess
import sys

import numpy as np
import onnxruntime
import pytest
import torch

from genlab.core.checkpoint import Checkpoint
from genlab.core.lines import first_lines, line_batch, sample_lines
from genlab.core.seeds import gaussian, picked, uniform
from genlab.models.loading import load_all
from genlab.inference.objectives import critic_scores, gan_value
from genlab.inference.explain import explain
from genlab.serve import export
from genlab.serve.export import ENCODER, EXPLAINER, JUDGE, MODEL, PRETRAINED, ExportError, exportable, to_onnx
from genlab.serve.web_models import WebModels
from tests.helpers import CHECKPOINTS, ROOT

INPUTS = 100  # random inputs per model
CHECKPOINTS_LOADED, _ = load_all(CHECKPOINTS)
IMAGE_MODELS = sorted(name for name, checkpoint in CHECKPOINTS_LOADED.items()
                      if exportable(checkpoint) and checkpoint.meta["family"] not in ("lstm", "textvae", "textgan"))


def key_of(url: str) -> str:
    return url.rsplit("/", 1)[1].removesuffix(".onnx")


def onnx_session(graph: bytes) -> onnxruntime.InferenceSession:
    return onnxruntime.InferenceSession(graph, providers=["CPUExecutionProvider"])


def test_every_image_model_is_exported():
    assert {"vae", "vae2d", "mlpgan", "dcgan", "cdcgan", "cnn"} <= set(IMAGE_MODELS)


@pytest.mark.smoke  # the Space exports with ZeroGPU's torch
@pytest.mark.parametrize("name", IMAGE_MODELS)
def test_the_graph_draws_what_torch_draws(name):
    """100 random inputs: every pixel within 1/255 of torch's (the CNN: every probability within 1e-4)."""
    checkpoint = CHECKPOINTS_LOADED[name]
    model, family = checkpoint.model, checkpoint.meta["family"]
    session = onnx_session(to_onnx(checkpoint))
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        if family == "vae":
            z = torch.randn(INPUTS, model.config.latent, generator=generator) * 1.5
            expected, feeds = model.decode(z), {"z": z.numpy()}
        elif family == "gan":
            noise = torch.randn(INPUTS, model.config.noise, generator=generator)
            digits = torch.randint(0, 10, (INPUTS,), generator=generator) if model.classes else None
            expected, feeds = model.sample(noise, digits), {"noise": noise.numpy()}
            if digits is not None:
                feeds["digit"] = digits.numpy()
        else:
            images = torch.rand(INPUTS, 1, 28, 28, generator=generator)
            expected, feeds = torch.softmax(model(images), 1), {"image": images.numpy()}
    got = session.run(None, feeds)[0]
    assert got.shape == tuple(expected.shape)
    tolerance = 1 / 255 if family != "classifier" else 1e-4
    assert np.abs(got - expected.numpy()).max() < tolerance
    if family != "classifier":  # the page draws 255 - round(255 x): the same grey levels within one
        assert np.abs(np.round(255 * got) - np.round(255 * expected.numpy())).max() <= 1


GANS = [name for name in IMAGE_MODELS if CHECKPOINTS_LOADED[name].meta["family"] == "gan"]


@pytest.mark.smoke  # the Space exports these parts with ZeroGPU's torch and onnx too
@pytest.mark.parametrize("name", GANS)
def test_a_gans_judge_gives_what_the_sampler_shows(name):
    """D's chance that each of 64 samples is real, and its logit, from the judge's graph, within 1e-5 of what
    the GAN sampler's captions and What's happening show (genlab.inference.objectives.gan_value)."""
    gan = CHECKPOINTS_LOADED[name].model
    digits = torch.arange(64) % 10 if gan.classes else None
    samples = gan.sample(gan.noise(64, 3), digits)
    feeds = {"image": samples.numpy(), **({"digit": digits.numpy()} if digits is not None else {})}
    got, logit = onnx_session(to_onnx(CHECKPOINTS_LOADED[name], JUDGE)).run(None, feeds)
    with torch.no_grad():
        expected = gan.discriminator(samples * 2 - 1, digits).flatten()
    assert got.shape == (64,) and np.abs(got - torch.sigmoid(expected).numpy()).max() < 1e-5
    assert np.abs(logit - expected.numpy()).max() < 1e-4
    assert np.abs(got.round(3) - gan_value(gan, samples, digits, None).d_each_fake).max() <= 1e-3


@pytest.mark.smoke  # the Space exports these parts with ZeroGPU's torch and onnx too
def test_a_text_gans_judge_scores_lines_as_its_critic_does():
    """The text GAN's critic as the page runs it (What's happening's scores): on lines of the GAN's own, of the
    verse and a few typed ones, each fed as critic_scores feeds them, the graph's score within 1e-4 of torch's."""
    text_gan = CHECKPOINTS_LOADED["textgan"].model
    vocab, width = text_gan.config.vocab, text_gan.config.max_chars + 1
    lines = [*sample_lines(text_gan.generator, 8, text_gan.config.max_chars, torch.device("cpu"), 1.0, 5),
             "To be, or not to be", "ab", "What say you, my lord? " * 3]
    batch = line_batch(lines, vocab)
    onehots = torch.nn.functional.one_hot(batch.targets, len(vocab)).float() * batch.mask[..., None]
    onehots = torch.nn.functional.pad(onehots, (0, 0, 0, max(0, width - onehots.shape[1])))[:, :width]
    (got,) = onnx_session(to_onnx(CHECKPOINTS_LOADED["textgan"], JUDGE)).run(None, {"onehots": onehots.numpy()})
    assert np.abs(got - np.array(critic_scores(text_gan, lines))).max() < 1e-4


def test_only_a_gan_has_a_judge():
    with pytest.raises(ExportError, match="Only a GAN has a judge"):
        to_onnx(CHECKPOINTS_LOADED["vae2d"], JUDGE)


@pytest.mark.smoke  # the Space exports these parts with ZeroGPU's torch and onnx too
@pytest.mark.parametrize("name", ["vae2d", "vae"])
def test_a_vaes_encoder_gives_the_posterior_the_explorer_shows(name, mnist_test):
    """The explorer's Encode in the page: on 200 test digits the graph's mean and standard deviation are
    within 1e-4 of VAE.encode's, as genlab.inference.explorer.posterior gives them."""
    images = mnist_test.images[:200]
    mean, spread, log_var = onnx_session(to_onnx(CHECKPOINTS_LOADED[name], ENCODER)).run(None, {"image": images.numpy()})
    with torch.no_grad():
        expected_mean, expected_log_var = CHECKPOINTS_LOADED[name].model.eval().encode(images)
    assert mean.shape == tuple(expected_mean.shape)
    assert np.abs(mean - expected_mean.numpy()).max() < 1e-4
    assert np.abs(spread - (0.5 * expected_log_var).exp().numpy()).max() < 1e-4
    assert np.abs(log_var - expected_log_var.numpy()).max() < 1e-4


@pytest.mark.smoke  # the Space exports these parts with ZeroGPU's torch and onnx too
@pytest.mark.parametrize("name", ["cnn", "mlp"])
def test_a_classifiers_explainer_reads_and_explains_as_the_server_does(name, mnist_test, monkeypatch):
    """Classify's graph keeps its weights in float16 (half the bytes a first visit waits for). Its arithmetic is
    the server's: exported in float32, on 200 test digits, each probability and heat map cell within 1e-4 of the
    server's. What float16 moves, on 1,000 test digits: the same digit read on every one, each probability within
    1e-3, and the heat map (Grad-CAM for the CNN, saliency for the MLP) within one grey level on average on 99% of
    them (a few cells of a few digits move more)."""
    checkpoint, model = CHECKPOINTS_LOADED[name], CHECKPOINTS_LOADED[name].model.eval()
    shipped = to_onnx(checkpoint, EXPLAINER)
    with monkeypatch.context() as full_precision:
        full_precision.setattr(export, "HALVED", set())
        exact = to_onnx(checkpoint, EXPLAINER)
    assert len(shipped) < 0.55 * len(exact)
    images = mnist_test.images[:200]
    probabilities, heat = onnx_session(exact).run(None, {"image": images.numpy()})
    logits, expected = explain(model, images)
    assert heat.shape == (200, 28, 28) and heat.max() == pytest.approx(1.0)
    assert np.abs(probabilities - torch.softmax(logits, 1).numpy()).max() < 1e-4
    assert np.abs(heat - expected.numpy()).max() < 1e-4

    images = mnist_test.images[:1000]
    probabilities, heat = onnx_session(shipped).run(None, {"image": images.numpy()})
    logits, expected = explain(model, images)
    assert np.array_equal(probabilities.argmax(1), logits.argmax(1).numpy())
    assert np.abs(probabilities - torch.softmax(logits, 1).numpy()).max() < 1e-3
    levels = 255 * np.abs(heat - expected.numpy()).reshape(1000, -1).mean(1)
    assert np.mean(levels <= 1) >= 0.99, f"the heat maps of {np.sum(levels > 1)} digits moved more than a level"


def test_the_lstm_graph_reads_a_prompt_then_writes_on_its_carried_state_as_torch_does():
    """One run over a 40-character prompt, then 20 runs of one character each on the state it hands back:
    every logit within 1e-4 of torch's (CharLSTM.forward over the same characters)."""
    model = CHECKPOINTS_LOADED["lstm"].model
    session = onnx_session(to_onnx(CHECKPOINTS_LOADED["lstm"]))
    ids = torch.randint(0, len(model.config.vocab), (1, 60), generator=torch.Generator().manual_seed(0))
    zeros = np.zeros((model.config.layers, 1, model.config.hidden), np.float32)
    logits, h, c = session.run(None, {"ids": ids[:, :40].numpy(), "h": zeros, "c": zeros})
    got = [logits]
    for i in range(40, 60):
        logits, h, c = session.run(None, {"ids": ids[:, i:i + 1].numpy(), "h": h, "c": c})
        got.append(logits)
    with torch.no_grad():
        expected, _ = model(ids)
    assert np.abs(np.concatenate(got, axis=1) - expected.numpy()).max() < 1e-4


@pytest.mark.parametrize("part", [MODEL, PRETRAINED])
def test_a_text_gans_writers_write_in_the_graph_the_lines_torch_writes(part):
    """Each generator of the text GAN (as it is, and as it was before adversarial training), run as a step graph on
    eight lines at once, a character a run at temperature 0.8, each picked by the seed's draw as sample_lines
    picks it: the very lines sample_lines writes."""
    text_gan = CHECKPOINTS_LOADED["textgan"].model.eval()
    lstm = text_gan.generator if part == MODEL else text_gan.pretrained
    session = onnx_session(to_onnx(CHECKPOINTS_LOADED["textgan"], part))
    vocab, steps = text_gan.config.vocab, text_gan.config.max_chars + 1
    draws = uniform(5, 8 * steps).reshape(8, steps)
    h = c = np.zeros((1, 8, text_gan.config.hidden), np.float32)
    ids, chosen = np.full((8, 1), vocab.index("\n"), np.int64), []
    for t in range(steps):
        logits, h, c = session.run(None, {"ids": ids, "h": h, "c": c})
        chances = torch.from_numpy(logits[:, 0] / 0.8).softmax(1).numpy()
        ids = np.array([[picked(row, draws[i, t])] for i, row in enumerate(chances)])
        chosen.append(ids[:, 0])
    assert first_lines(torch.tensor(np.stack(chosen, 1)), vocab) == sample_lines(lstm, 8, steps - 1, torch.device("cpu"),
                                                                                  0.8, 5)


def test_only_a_text_gan_has_a_generator_from_before_adversarial_training():
    with pytest.raises(ExportError, match="Only a text GAN keeps its generator"):
        to_onnx(CHECKPOINTS_LOADED["lstm"], PRETRAINED)


def test_the_sentence_vaes_graphs_read_and_write_lines_as_torch_does():
    """The encoder's mean and log-variance for five lines within 1e-4 of TextVAE.encode's; the step graph,
    run greedily on eight codes a character a run from a state made from each code, writes the lines
    TextVAE.decode writes."""
    text_vae = CHECKPOINTS_LOADED["textvae"].model.eval()
    vocab, newline = text_vae.config.vocab, text_vae.config.vocab.index("\n")
    reader = onnx_session(to_onnx(CHECKPOINTS_LOADED["textvae"], ENCODER))
    for line in ("Now is the winter of our discontent", "To be, or not to be", "a", "What say you, my lord?",
                 "I will not go to bed tonight."):
        batch = line_batch([line], vocab)
        mean, log_var = reader.run(None, {"ids": batch.targets.numpy()})
        with torch.no_grad():
            expected = text_vae.encode(batch)
        assert np.abs(mean - expected[0].numpy()).max() < 1e-4 and np.abs(log_var - expected[1].numpy()).max() < 1e-4
    writer = onnx_session(to_onnx(CHECKPOINTS_LOADED["textvae"]))
    z = torch.from_numpy(gaussian(3, 8, text_vae.config.latent))
    h = c = np.zeros((1, 8, text_vae.config.hidden), np.float32)
    ids, fresh, chosen = np.full(8, newline, np.int64), np.ones((8, 1), np.float32), []
    for _ in range(text_vae.config.longest):
        logits, h, c = writer.run(None, {"ids": ids, "z": z.numpy(), "h": h, "c": c, "fresh": fresh})
        ids, fresh = logits.argmax(1), np.zeros((8, 1), np.float32)
        chosen.append(ids)
    assert first_lines(torch.tensor(np.stack(chosen, 1)), vocab) == text_vae.decode(z)


def test_the_command_writes_graphs_that_onnxruntime_loads(tmp_path):
    done = subprocess.run([sys.executable, "-m", "genlab", "export", "vae2d", "cnn", "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stdout and sorted(p.name for p in tmp_path.iterdir()) == [
        "cnn.explainer.onnx", "cnn.onnx", "vae2d.encoder.onnx", "vae2d.onnx"]
    image = onnx_session((tmp_path / "vae2d.onnx").read_bytes()).run(None, {"z": np.zeros((1, 2), np.float32)})[0]
    probabilities = onnx_session((tmp_path / "cnn.onnx").read_bytes()).run(None, {"image": image})[0]
    assert image.shape == (1, 1, 28, 28) and abs(probabilities.sum() - 1) < 1e-5


def test_a_visitors_graphs_stay_within_the_budget_and_go_with_their_model():
    vae = CHECKPOINTS_LOADED["vae2d"]
    size = len(to_onnx(vae))
    graphs = WebModels(budget=int(2.5 * size))
    visitors = [Checkpoint(copy.deepcopy(vae.model), vae.meta, vae.path) for _ in range(4)]
    urls = [graphs.url(visitor) for visitor in visitors]
    assert len(set(urls)) == 4 and graphs.url(visitors[3]) == urls[3], "one key per model, the same when asked again"
    assert graphs.url(CHECKPOINTS_LOADED["dcgan"], part=JUDGE) != graphs.url(CHECKPOINTS_LOADED["dcgan"]), \
        "a GAN's judge has a key of its own"
    assert graphs.visitors_bytes() <= 2.5 * size
    assert graphs.graph(key_of(urls[0])) is None, "the least recently used went first"
    assert graphs.graph(key_of(urls[3])) is not None
    del visitors[3]
    assert graphs.graph(key_of(urls[3])) is None, "a model's graph goes with the model"


def test_a_model_too_large_for_the_page_stays_on_the_server(monkeypatch):
    monkeypatch.setattr("genlab.serve.export.MAX_ONNX_BYTES", 1000)
    url, why = WebModels().try_url(CHECKPOINTS_LOADED["dcgan"])
    assert url is None and "the server draws it" in why


