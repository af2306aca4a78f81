"""The GANs without a server: the sampler lists the committed GANs best first, and the training loop
reports both players, previews, and obeys the GAN-tuning article's knobs."""
import torch
from torch.optim.optimizer import register_optimizer_step_post_hook

from genlab.core.checkpoint import checkpoint_paths, read_meta
from genlab.families import ARCHITECTURES, family_of
from genlab.models.gan import CDCGAN, DCGAN, MLPGAN, CDCGANConfig, DCGANConfig, MLPGANConfig
from genlab.train.gan import GANTraining, train_gan
from tests.helpers import CHECKPOINTS
from ui.sample import TITLES

# The conditional GAN must read as the digit asked for at least 97% of the time (the bar docs/quality.md states);
# every GAN draws each digit as 7-13% of its samples; the FID ceilings and the rarest-digit floors catch
# regressions, and the metadata must tell the truth.


def test_the_gan_sampler_lists_the_committed_gans_best_first():
    """The tab opens on its first model: it must be the one with the lowest FID on its card."""
    fids = {name: read_meta(checkpoint_paths(CHECKPOINTS / name)[1])["metrics"]["fid"] for name in TITLES}
    assert list(TITLES) == sorted(fids, key=fids.get)


def test_the_gan_loop_reports_both_players_and_previews(mnist_test):
    torch.manual_seed(0)
    for model in (MLPGAN(MLPGANConfig(hidden=(32, 64))), CDCGAN(CDCGANConfig(channels=(8, 16))),
                  DCGAN(DCGANConfig(channels=(8, 16), deeper=True))):
        settings = GANTraining(epochs=0.02, batch_size=32, log_every=5, preview_every=10)
        events = list(train_gan(model, mnist_test, mnist_test, settings, torch.device("cpu")))
        assert events[-1].done and events[-1].step == events[-1].total_steps
        assert {"d_loss", "g_loss", "d_real", "d_fake"} <= set(events[0].losses)
        assert all(0 <= e.losses["d_real"] <= 1 for e in events if e.losses)
        previews = [e.preview for e in events if e.preview is not None]
        assert previews and previews[-1].shape[0] > 28


def optimizer_steps(model, events) -> dict:
    """Run a training loop to its end, counting the optimizer steps each network took."""
    counted = {"generator": 0, "discriminator": 0, "d_lr": None}

    def count(optimizer, args, kwargs):
        network = "generator" if optimizer.param_groups[0]["params"][0] is first_generator_weight else "discriminator"
        counted[network] += 1
        if network == "discriminator":
            counted["d_lr"] = optimizer.param_groups[0]["lr"]

    first_generator_weight = next(model.generator.parameters())
    hook = register_optimizer_step_post_hook(count)
    try:
        counted["events"] = list(events)
    finally:
        hook.remove()
    return counted


def test_the_article_knobs_reach_the_training_loop(mnist_test):
    """A person sets the Train tab's GAN knobs: 2 discriminator updates a generator update make twice
    the discriminator's steps, its own learning rate is used, the slope reaches the generator, depth 1
    adds a layer at each resolution of both networks, and a weight average leaves the generator
    different from its last step's weights."""
    family = family_of("dcgan")
    knobs = {**ARCHITECTURES["dcgan"].recipe.defaults(), "width": 8, "latent": 8}
    ratios = {}
    for d_steps in (1, 2):
        config, settings = family.build(ARCHITECTURES["dcgan"], {**knobs, "d_steps": d_steps, "leak": 0.1,
                                                                 "d_lr": 4e-4, "ema": 0.0})
        settings.epochs, settings.batch_size = 0.05, 16
        model = DCGAN(config)
        counted = optimizer_steps(model, train_gan(model, mnist_test, mnist_test, settings, torch.device("cpu")))
        assert counted["generator"] == counted["events"][-1].step > 0
        ratios[d_steps] = counted["discriminator"] / counted["generator"]
        assert counted["d_lr"] == 4e-4, "the discriminator's own learning rate"
    assert ratios == {1: 1.0, 2: 2.0}
    slopes = {m.negative_slope for m in model.generator.modules() if isinstance(m, torch.nn.LeakyReLU)}
    assert slopes == {0.1}, "every generator unit leaks with the slope asked for"
    for depth in (0, 1):
        config, _ = family.build(ARCHITECTURES["dcgan"], {**knobs, "depth": depth})
        model = DCGAN(config)
        for network in (model.generator, model.discriminator):
            threes = [m for m in network.modules() if isinstance(m, torch.nn.Conv2d) and m.kernel_size == (3, 3)]
            assert len(threes) == 2 * depth, "depth 1: a 3x3 convolution at 7x7 and at 14x14 in each network"

    weights = {}
    for ema in (0.0, 0.99):
        torch.manual_seed(0)
        model = DCGAN(DCGANConfig(channels=(8, 16), noise=8))
        list(train_gan(model, mnist_test, mnist_test, GANTraining(epochs=0.02, batch_size=16, ema=ema),
                       torch.device("cpu")))
        weights[ema] = torch.cat([p.flatten() for p in model.generator.parameters()])
    assert not torch.equal(weights[0.0], weights[0.99]), "the kept generator is the average, not the last step"




