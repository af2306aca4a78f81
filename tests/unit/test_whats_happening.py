"""What's happening, below the page: the diagram is traced from the model as it is (a visitor's other
sizes included), and the live figures are the training objective's own terms on what is on screen."""
import math

import pytest
import torch
import torch.nn.functional as F

from genlab.core.lines import line_batch
from genlab.families import ARCHITECTURES, family_of
from genlab.inference.anatomy import diagram, planned
from genlab.inference.explain import grad_cam, input_saliency
from genlab.inference.objectives import critic_scores, digit_elbo, gan_value, line_elbo, next_chances
from genlab.inference.writer import insight
from genlab.models.loading import load_checkpoint
from tests.helpers import CHECKPOINTS
from ui.whats_happening import classify_words

CPU = torch.device("cpu")


def committed(name: str):
    return load_checkpoint(CHECKPOINTS / name, CPU).model


def test_the_cnn_is_drawn_with_the_channels_its_config_has_and_ends_in_ten_chances():
    cnn = committed("cnn")
    (row,) = diagram(cnn)
    convolutions = [stage.shape for stage in row.stages if stage.what.startswith("convolution")]
    assert [shape[0] for shape in convolutions] == [c for c in cnn.config.channels for _ in range(2)]
    assert row.stages[-1].shape == (10,) and row.stages[0].shape == (1, 28, 28)
    assert sum(stage.parameters for stage in row.stages) <= sum(p.numel() for p in cnn.parameters())


@pytest.mark.parametrize("latent", [2, 7])
def test_a_vae_a_visitor_plans_is_drawn_with_the_code_size_its_knobs_give(latent):
    family = family_of("vae")
    config, _ = family.build(ARCHITECTURES["vae"], ARCHITECTURES["vae"].recipe.defaults() | {"latent": latent})
    encoder, decoder = diagram(planned("vae", config))
    assert encoder.stages[-1].shape == (2, latent) and decoder.stages[0].shape == (latent,)
    assert decoder.stages[-1].shape == (1, 28, 28)


def test_a_text_model_planned_before_its_text_is_read_is_drawn_with_a_stand_in_alphabet():
    config, _ = family_of("lstm").build(ARCHITECTURES["lstm"], ARCHITECTURES["lstm"].recipe.defaults())
    (row,) = diagram(planned("lstm", config))
    assert row.stages[-1].shape[0] > 26 and "state (h, c)" in " ".join(stage.what for stage in row.stages)


def test_a_real_digit_costs_the_vae_far_fewer_nats_than_noise(mnist_test):
    vae = committed("vae")
    real = digit_elbo(vae, mnist_test.images[0])
    noise = digit_elbo(vae, torch.rand(1, 28, 28, generator=torch.Generator().manual_seed(0)))
    assert real.reconstruction > 0 and real.kl > 0
    assert real.total < noise.total / 2


def test_the_gan_game_value_is_its_two_terms_and_the_discriminator_scores_every_sample(mnist_test):
    gan = committed("cdcgan")
    labels = torch.arange(16) % 10
    value = gan_value(gan, gan.sample(gan.noise(16, 0), labels), labels, mnist_test)
    assert value.value == pytest.approx(value.log_d_real + value.log_one_minus_d_fake)
    assert len(value.d_each_fake) == 16 and all(0 < p < 1 for p in value.d_each_fake)
    assert value.d_fake == pytest.approx(sum(value.d_each_fake) / 16, abs=1e-3)


def test_temperature_one_leaves_the_chances_as_they_are_and_a_low_one_sharpens_them():
    log_p = insight(committed("lstm"), "To be, or not to ", CPU).next_log_probs
    assert all(p == pytest.approx(p_t, rel=1e-5) for _, p, p_t in next_chances(log_p, 1.0))
    (_, p, p_t), *_ = next_chances(log_p, 0.5)
    assert p_t > p


def test_the_critic_scores_a_line_as_training_showed_it_lines_and_a_real_line_costs_the_vae_fewer_nats():
    line, scrambled = "What say you, my lord?", "?rdol ym ,uoy yas tahW"
    text_gan = committed("textgan")
    vocab, width = text_gan.config.vocab, text_gan.config.max_chars + 1
    batch = line_batch([line], vocab)  # as genlab.train.text_gan feeds the critic a real line
    onehots = F.one_hot(batch.targets, len(vocab)).float() * batch.mask[..., None]
    with torch.no_grad():
        expected = float(text_gan.discriminator(F.pad(onehots, (0, 0, 0, width - onehots.shape[1]))))
    assert critic_scores(text_gan, [line])[0] == pytest.approx(expected, abs=1e-5)
    textvae = committed("textvae")
    assert line_elbo(textvae, line).total < line_elbo(textvae, scrambled).total


def test_the_classifiers_words_give_each_likely_answer_the_loss_training_would_count():
    words = classify_words({"7": 0.9, "1": 0.08, "2": 0.02})
    assert f"= **{-math.log(0.9):.3f} nats**" in words and f"= **{-math.log(0.08):.3f} nats**" in words
    assert words.index("a **7**") < words.index("a **1**")
    assert classify_words({"label": "7", "confidences": [{"label": "7", "confidence": 0.9}]}) == classify_words(
        {"7": 0.9})
    assert "Draw a digit" in classify_words(None)



def test_the_heat_maps_words_say_what_explain_computes(mnist_test, cnn, mlp):
    """The Classify panel's words and formula for the heat map, checked against genlab/inference/explain.py
    on 16 test digits, with autograd's gradient (explain.py writes the gradient out by hand, so that it
    exports to the page): Grad-CAM weighs each last-convolution map by its mean gradient; saliency is ink
    times gradient."""
    words = classify_words({"7": 0.9})
    assert "Grad-CAM" in words and "saliency" in words and words == classify_words({"7": 0.9})
    assert "Grad-CAM" in classify_words(None), "said before the first drawing too"
    images = mnist_test.images[:16]
    cnn.eval()
    features = cnn.features(images).detach().requires_grad_(True)
    (gradient,) = torch.autograd.grad(cnn.classify_features(features).max(1).values.sum(), features)
    by_the_words = F.relu((gradient.mean(dim=(2, 3), keepdim=True) * features).sum(1, keepdim=True))
    by_the_words = F.interpolate(by_the_words, size=(28, 28), mode="bilinear", align_corners=False)[:, 0]
    assert torch.allclose(grad_cam(cnn, images)[1], by_the_words.detach(), atol=1e-6)
    mlp.eval()
    pixels = images.clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(mlp(pixels).max(1).values.sum(), pixels)
    by_the_words = F.avg_pool2d(F.relu(pixels * gradient), 3, stride=1, padding=1, count_include_pad=False)[:, 0]
    assert torch.allclose(input_saliency(mlp, images)[1], by_the_words.detach(), atol=1e-6)  # then lightly blurred
