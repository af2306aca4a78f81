"""GANs of MNIST digits (MLP, DC and conditional DC): the GAN sampler's models."""
import torch
from torch import nn

from genlab.core.data import load_mnist
from genlab.families.base import Architecture, Evaluation, Family, Metric, Score
from genlab.families.generated import FEW_REAL, MANY_GENERATED, SCORED_DIGITS, accuracy_scores
from genlab.families.recipes import TIME, Knob, Recipe, batch, epochs, hidden, lr
from genlab.measure.judges import digit_reader
from genlab.measure.metrics import histogram_line
from genlab.models.gan import CDCGAN, DCGAN, MLPGAN, CDCGANConfig, DCGANConfig, MLPGANConfig
from genlab.train.gan import FID_DURING_RUN, FID_SAMPLES_DURING_RUN, GANTraining, gan_metrics, train_gan
from genlab.train.loop import Stop

HISTOGRAM_ROW = "Digits as the CNN reads the samples"
LIVE = {"log_every": 20, "preview_every": 50, "fid_every": 200, "measure_floor": False}


def tuning(leak: float) -> dict[str, Knob]:
    """The GAN tuning article's knobs, and what each is meant to fix; `leak`: the architecture's own
    generator slope (the DCGAN paper's generator uses ReLU)."""
    return {
        "d_steps": Knob("Discriminator updates per generator update", 1, 5, 1, 1, "settings.d_steps",
                        info="More keep the discriminator ahead, so the generator learns from a sharper "
                             "critic; each costs a batch of real digits."),
        "leak": Knob("Generator's LeakyReLU slope (0 = ReLU)", 0.0, 0.5, leak, 0.01, "config.generator_leak",
                     info="A slope lets gradient through units that are off, so fewer go dead and stay dead."),
        "real_label": Knob("Target for real digits (1 = no label smoothing)", 0.7, 1.0, 0.9, 0.01,
                           "settings.real_label",
                           info="Below 1 the discriminator is never quite sure, so it cannot grow "
                                "overconfident and leave the generator without gradient."),
        "d_lr": Knob("Discriminator's learning rate (0 = the generator's)", 0.0, 0.01, 0.0, 1e-5, "settings.d_lr",
                     info="A larger one (TTUR) lets the discriminator keep up with the generator, which "
                          "converges more reliably."),
        "ema": Knob("Average of the generator's weights kept (0 = its last weights)", 0.0, 0.9999, 0.999, 0.0001,
                    "settings.ema",
                    info="A GAN's weights circle the balance point rather than settle; their recent "
                         "average draws cleaner digits."),
    }


CONV_KNOBS = {  # the DCGAN and its conditional twin share their knobs
    "epochs": epochs(2.0, 50.0), "lr": lr(2e-4), "batch_size": batch(64),
    "width": Knob("Channels (the larger layer has twice as many)", 8, 64, 16, 1, "config.channels",
                  lambda c: (c, 2 * c)),
    "latent": Knob("Noise dimensions", 2, 128, 64, 1, "config.noise"),
    "max_seconds": TIME,
    **tuning(leak=DCGANConfig.generator_leak),
    "depth": Knob("A 3x3 convolution at every resolution (0 = no, 1 = yes)", 0, 1, 0, 1, "config.deeper", bool,
                  info="One more layer at 7x7 and 14x14 pixels in both networks: the change that helped the "
                       "committed DCGAN most; each step takes longer."),
}


def train(model: nn.Module, settings: GANTraining, device: torch.device, stop: Stop | None = None):
    """The committed CNN measures the samples (FID in its feature space, class histogram)."""
    return train_gan(model, load_mnist(train=True), load_mnist(train=False), settings, device,
                     digit_reader(device), stop)


def evaluate(model: nn.Module, device: torch.device, judges: dict[str, nn.Module]) -> Evaluation:
    """FID and the reader's histogram; for a conditional GAN also what a CNN learns from its digits
    (genlab.families.generated: minutes of training)."""
    measured = gan_metrics(model, judges["cnn"], load_mnist(train=True), load_mnist(train=False))
    if model.classes:
        measured |= accuracy_scores(model, device)
    details = [(HISTOGRAM_ROW, histogram_line(measured["class_histogram"]))]
    if "per_class_requested_accuracy" in measured:
        worst = min(range(10), key=lambda d: measured["per_class_requested_accuracy"][d])
        details.append((f"  Weakest digit asked for ({worst})", f"{measured['per_class_requested_accuracy'][worst]:.2%}"))
    return measured, details


def probe(model: nn.Module) -> int:
    """One sample drawn (the app draws grids of them: the limits scale alike)."""
    model.generator(torch.zeros(1, model.config.noise), torch.zeros(1, dtype=torch.long) if model.classes else None)
    return 1


FAMILY = Family(
    name="gan", title="GAN", dataset="MNIST", settings=GANTraining,
    architectures=(
        Architecture("mlpgan", "MLP GAN", MLPGAN, MLPGANConfig, Recipe({
            "epochs": epochs(2.0, 50.0), "lr": lr(2e-3), "batch_size": batch(32),
            "width": hidden("Hidden units of the widest layer", 64, 1024, 128, lambda h: (h // 4, h // 2, h)),
            "latent": Knob("Noise dimensions", 2, 128, 64, 1, "config.noise"),
            "max_seconds": TIME,
            **tuning(leak=MLPGANConfig.generator_leak),
        }, config={"batch_norm": True}, settings=LIVE), bench_seconds=30),
        Architecture("dcgan", "DCGAN", DCGAN, DCGANConfig, Recipe(CONV_KNOBS, settings=LIVE), bench_seconds=120),
        Architecture("cdcgan", "Conditional DCGAN", CDCGAN, CDCGANConfig, Recipe(CONV_KNOBS, settings=LIVE)),
    ),
    train=train, evaluate=evaluate,
    metrics=(Metric("fid", "FID, 10k samples vs 10k test images (our CNN's features)", "{:.4g}", headline=True),
             Metric(FID_DURING_RUN, f"FID as it learns ({FID_SAMPLES_DURING_RUN:,} samples)", "{:.4g}", headline=True),
             Metric("fid_floor_train_vs_test", "FID floor: 10k training vs test images", "{:.4g}"),
             Metric("requested_digit_accuracy", "Samples read as the digit asked for", "{:.2%}", headline=True),
             Metric("cas_generated", f"Classification Accuracy Score: CNN trained on {SCORED_DIGITS // 1000}k "
                                     "generated digits, real test set", "{:.2%}"),
             Metric("cas_real", f"  Same CNN and budget on {SCORED_DIGITS // 1000}k real digits", "{:.2%}"),
             Metric("cas_few_real", f"  {FEW_REAL:,} real digits alone", "{:.2%}"),
             Metric("cas_few_real_and_generated", f"  {FEW_REAL:,} real + {MANY_GENERATED:,} generated", "{:.2%}")),
    score=Score("FID", "{:.1f}", lambda checkpoint, device: checkpoint.meta["metrics"]["fid"]),
    probe=probe,
    tab="GAN sampler",
)
