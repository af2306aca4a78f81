"""Each family's training objective evaluated on what a visitor is looking at, for the "What's happening"
panels: the same terms the training loops minimise (genlab/train), in nats, on one digit, one grid of
samples or one line, so the formula on screen has numbers in it that move when the visitor acts."""
import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from genlab.core.data import DataMissingError, ImageSplit, load_mnist
from genlab.core.lines import line_batch
from genlab.models.gan import GAN
from genlab.models.text_gan import TextGAN
from genlab.models.text_vae import TextVAE
from genlab.models.vae import VAE, elbo_terms, kl_per_dim


@dataclass(frozen=True)
class Elbo:
    """A VAE's loss on one input, in nats: -ELBO = reconstruction + KL (the lower, the better it is coded)."""
    reconstruction: float
    kl: float

    @property
    def total(self) -> float:
        return self.reconstruction + self.kl


@torch.no_grad()
def digit_elbo(vae: VAE, image: torch.Tensor) -> Elbo:
    """-ELBO of one (1, 28, 28) digit in [0, 1], at the mean of its code (no sampling: the same digit
    gives the same figures), as the training loss counts it: pixels as Bernoulli, KL to N(0, I)."""
    vae.eval()
    device = next(vae.parameters()).device
    image = image.to(device)[None]
    mean, log_var = vae.encode(image)
    reconstruction, kl = elbo_terms(vae.decode_logits(mean), image, mean, log_var)
    return Elbo(float(reconstruction[0]), float(kl.sum()))


@torch.no_grad()
def decoded_elbo(vae: VAE, z: torch.Tensor) -> Elbo:
    """-ELBO of the digit the code z decodes to: the digit on screen, encoded again."""
    vae.eval()
    device = next(vae.parameters()).device
    return digit_elbo(vae, vae.decode(z.to(device)[None])[0].cpu())


@dataclass(frozen=True)
class GanValue:
    """The GAN game's value V(D, G) = E[log D(x)] + E[log(1 - D(G(z)))] on a batch of real digits and
    a batch of samples, and D's mean chance that each batch is real."""
    log_d_real: float
    log_one_minus_d_fake: float
    d_real: float
    d_fake: float
    d_each_fake: tuple[float, ...]

    @property
    def value(self) -> float:
        return self.log_d_real + self.log_one_minus_d_fake


def real_digits() -> ImageSplit | None:
    """The MNIST test digits D is shown beside the samples; None on a server without them."""
    try:
        return load_mnist(train=False)
    except DataMissingError:
        return None


EQUILIBRIUM = -2 * math.log(2)  # V when D can only guess (D = 1/2 everywhere): the generator's goal


@torch.no_grad()
def gan_value(gan: GAN, samples: torch.Tensor, labels: torch.Tensor | None, real: ImageSplit | None) -> GanValue:
    """The discriminator's view of `samples` (in [0, 1], asked for `labels`) and of as many real digits
    (NaN for those where the server has no real digits)."""
    gan.eval()
    device = next(gan.parameters()).device

    def logits(images: torch.Tensor, asked: torch.Tensor | None) -> torch.Tensor:
        asked = asked.to(device) if asked is not None and gan.classes else None
        return gan.discriminator(images.to(device) * 2 - 1, asked).float().flatten().cpu()

    fake = logits(samples, labels)
    real_logits = (logits(real.images[:len(samples)], real.labels[:len(samples)]) if real is not None
                   else torch.tensor([math.nan]))
    return GanValue(float(-F.softplus(-real_logits).mean()), float(-F.softplus(fake).mean()),
                    float(torch.sigmoid(real_logits).mean()), float(torch.sigmoid(fake).mean()),
                    tuple(round(float(p), 3) for p in torch.sigmoid(fake)))


@torch.no_grad()
def line_elbo(model: TextVAE, line: str) -> Elbo:
    """-ELBO of one line in nats, at the mean of its code: the characters' surprisal given the code,
    and the KL of its code (how much the code says about the line)."""
    model.eval()
    device = next(model.parameters()).device
    batch = line_batch([line], model.config.vocab).to(device)
    mean, log_var = model.encode(batch)
    logits = model.decode_logits(mean, batch.inputs)
    nats = F.cross_entropy(logits.float().transpose(1, 2), batch.targets, reduction="none")
    mask = torch.arange(batch.targets.shape[1], device=device)[None] < batch.lengths[:, None]
    return Elbo(float((nats * mask).sum()), float(kl_per_dim(mean, log_var).sum()))


@torch.no_grad()
def critic_scores(model: TextGAN, lines: list[str]) -> list[float]:
    """The text GAN's critic on whole lines: higher reads as more like Shakespeare's."""
    model.eval()
    device = next(model.parameters()).device
    vocab = model.config.vocab
    batch = line_batch(lines, vocab).to(device)
    onehots = F.one_hot(batch.targets, len(vocab)).float() * batch.mask[..., None]  # as training feeds it
    width = model.config.max_chars + 1
    onehots = F.pad(onehots, (0, 0, 0, max(0, width - onehots.shape[1])))[:, :width]
    return [float(score) for score in model.discriminator(onehots).flatten().cpu()]


def next_chances(log_p: torch.Tensor, temperature: float, top: int = 8) -> list[tuple[int, float, float]]:
    """The likeliest next characters of a distribution (V,) of log-probabilities: each id, its chance as
    the model gives it, and its chance after temperature, p^(1/T) renormalised over all."""
    at_t = (log_p.float() / temperature).softmax(-1)
    chances, ids = log_p.float().exp().topk(min(top, len(log_p)))
    return [(int(i), float(p), float(at_t[i])) for p, i in zip(chances, ids)]
