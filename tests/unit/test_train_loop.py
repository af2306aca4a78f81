"""The gradient step every training loop takes: it clips as asked, and it refuses a loss or gradients
that are not finite, halting the run with the weights it had, so a diverging loop ends on a model
that still loads."""
import torch

from genlab.core.data import ImageSplit
from genlab.models.vae import VAE, VAEConfig
from genlab.train.loop import TIME_MARKS, Clock, Schedule, descend
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


class StoppedClock(Clock):
    """A clock that reads what it is set to: the schedule's rule checked at given times."""

    def __init__(self, max_seconds: float | None) -> None:
        super().__init__(max_seconds)
        self.now = 0.0

    @property
    def elapsed(self) -> float:
        return self.now


def test_a_run_with_a_time_limit_is_measured_through_it_not_only_every_so_many_steps():
    schedule = Schedule.plan(items=60_000, batch_size=128, epochs=30, evals_per_epoch=1)  # every 468 steps
    clock = StoppedClock(max_seconds=32)  # a mark every 4 s
    due = []
    for step, clock.now in enumerate([0.5 * i for i in range(1, 64)], start=1):
        if schedule.measure_now(step, clock):
            due.append(clock.now)
            clock.now -= 0.1  # measuring is quick: it began 0.1 s before this step's time and ends at it
            with schedule.measuring(clock):
                clock.now += 0.1
    assert due == [4.0 * i for i in range(1, TIME_MARKS)], "each eighth of the limit, none in the last half-mark"
    assert not schedule.measure_now(schedule.total_steps, clock), "the final evaluation measures the last step"

    slow = Schedule.plan(items=60_000, batch_size=128, epochs=30, evals_per_epoch=1)
    clock.now = 0.0
    due = []
    for step, clock.now in enumerate([0.5 * i for i in range(1, 64)], start=1):
        if slow.measure_now(step, clock):
            due.append(clock.now)
            clock.now -= 1.5  # each measurement takes 1.5 s: at most 15% of the time
            with slow.measuring(clock):
                clock.now += 1.5
    assert due[0] == 4.0 and all(b - a >= 10.0 for a, b in zip(due, due[1:])), due
    untimed = Schedule.plan(items=60_000, batch_size=128, epochs=30, evals_per_epoch=1)
    assert [s for s in range(1, 1000) if untimed.measure_now(s, Clock(None))] == [468, 936], "no limit: by steps"


def test_a_short_vae_run_draws_a_curve_of_held_out_measurements(mnist_test):
    """A learner's 30-second VAE run (here 4 s on a few digits) measures its test -ELBO several times as
    it learns, not once at the end of an epoch it never reaches."""
    digits = ImageSplit(mnist_test.images[:512], mnist_test.labels[:512])
    settings = VAETraining(epochs=1000, batch_size=64, max_seconds=4)
    events = list(train_vae(VAE(VAEConfig()), digits, digits, settings, torch.device("cpu")))
    during = [e for e in events[:-1] if "test_neg_elbo" in e.metrics]
    assert len(during) >= 3 and all(e.preview is not None for e in during), len(during)
    assert "test_neg_elbo" in events[-1].metrics and events[-1].done


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
