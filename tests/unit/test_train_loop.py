"""The gradient step every training loop takes: it clips as asked, and it refuses a loss or gradients
that are not finite, halting the run with the weights it had, so a diverging loop ends on a model
that still loads."""
import torch

from genlab.core.data import ImageSplit
from genlab.models.vae import VAE, VAEConfig
from genlab.train.loop import Clock, descend
from genlab.train.vae import VAETraining, train_vae


def test_a_step_clips_its_gradients_to_the_norm_asked_for():
    weights = torch.zeros(3, requires_grad=True)
    clock = Clock(max_seconds=None)
    loss = (weights * torch.tensor([30.0, 40.0, 0.0])).sum()  # gradient norm 50
    assert descend(torch.optim.SGD([weights], lr=1.0), loss, clock, max_norm=5.0)
    assert torch.allclose(weights.detach(), torch.tensor([-3.0, -4.0, 0.0]))
    assert not clock.should_stop()


def test_a_non_finite_loss_or_gradient_halts_the_run_before_the_weights_change():
    weights = torch.ones(3, requires_grad=True)
    optimizer = torch.optim.SGD([weights], lr=1.0)

    clock = Clock(max_seconds=None)
    assert not descend(optimizer, (weights * float("nan")).sum(), clock)
    assert clock.should_stop() and "training loss became non-finite" in clock.halted_because

    clock = Clock(max_seconds=None)
    finite_loss_infinite_gradient = torch.sqrt(weights - weights.detach()).sum()
    assert torch.isfinite(finite_loss_infinite_gradient)
    assert not descend(optimizer, finite_loss_infinite_gradient, clock)
    assert clock.should_stop() and "gradients became non-finite" in clock.halted_because
    assert not descend(optimizer, weights.sum(), clock), "a halted run takes no more steps"
    assert torch.equal(weights.detach(), torch.ones(3)), "the weights are as they were"


def test_a_diverging_vae_ends_early_with_its_final_evaluation_and_finite_weights(mnist_test):
    digits = ImageSplit(mnist_test.images[:1024], mnist_test.labels[:1024])
    model = VAE(VAEConfig())
    settings = VAETraining(epochs=5, batch_size=64, lr=1e6, log_every=1)  # a learning rate no run survives
    events = list(train_vae(model, digits, digits, settings, torch.device("cpu")))

    last = events[-1]
    assert last.done and "non-finite" in last.stopped_because, "the final event says why the run ended"
    assert last.step < last.total_steps
    assert all(not e.stopped_because for e in events[:-1])
    assert all(torch.isfinite(t).all() for t in model.state_dict().values())
    assert "test_neg_elbo" in last.metrics, "the model kept is still measured"
