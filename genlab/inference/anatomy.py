"""A model's anatomy, read from the model itself: the layers a forward pass goes through, in order,
with the shape of what each hands on and its number of parameters. The "What's happening" panels
draw it, so a visitor's own model (other channels, another latent size) is drawn as it is.

A diagram is a list of rows (a VAE's encoder and decoder, a GAN's generator and discriminator), each
a list of stages; a stage is a box in the picture."""
from dataclasses import dataclass, replace

import torch
from torch import nn

from genlab.models.gan import GAN
from genlab.models.loading import NETWORKS
from genlab.models.lstm import CharLSTM
from genlab.models.text_gan import TextGAN
from genlab.models.text_vae import TextVAE
from genlab.models.vae import VAE

KINDS = {  # the layers drawn, by class name; activations, normalisation and dropout are not boxes
    "Conv2d": "convolution", "ConvTranspose2d": "transposed convolution", "Conv1d": "convolution",
    "Linear": "dense layer", "MaxPool2d": "max-pool", "Flatten": "flatten", "Unflatten": "reshape",
    "Embedding": "embedding", "LSTM": "LSTM",
}


@dataclass(frozen=True)
class Stage:
    """A box: what it is ("convolution 3x3"), the shape of what it hands on, its parameters."""
    what: str
    shape: tuple[int, ...]
    parameters: int = 0

    @property
    def size(self) -> int:
        """How many numbers it hands on (the box's height in the picture grows with it)."""
        count = 1
        for side in self.shape:
            count *= side
        return count


@dataclass(frozen=True)
class Row:
    """One chain of the diagram, read left to right."""
    title: str
    stages: tuple[Stage, ...]


def kind(module: nn.Module) -> str | None:
    """The layer's class as KINDS knows it (a spectrally normalised layer is still a convolution)."""
    return KINDS.get(type(module).__name__.removeprefix("Parametrized"))


def describe(module: nn.Module) -> str:
    """A layer in a few words: "convolution 3x3", "transposed convolution 4x4, stride 2", "LSTM, 2 layers"."""
    what = kind(module)
    if isinstance(module, nn.Conv1d):
        return f"convolution over {module.kernel_size[0]} characters"
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        kernel = "x".join(map(str, module.kernel_size))
        stride = module.stride[0]
        return f"{what} {kernel}" + (f", stride {stride}" if stride > 1 else "")
    if isinstance(module, nn.MaxPool2d):
        return f"{what} {module.kernel_size}x{module.kernel_size}" if isinstance(module.kernel_size, int) else what
    if isinstance(module, nn.LSTM):
        layers = f", {module.num_layers} layers" if module.num_layers > 1 else ""
        return f"{what}{', both ways' if module.bidirectional else ''}{layers}"
    return what


def shape_of(output) -> tuple[int, ...]:
    """The shape one example's output has (no batch dimension); an LSTM's is its outputs, not its state."""
    tensor = output[0] if isinstance(output, tuple) else output
    return tuple(tensor.shape[1:])


@torch.no_grad()
def trace(module: nn.Module, *inputs) -> list[Stage]:
    """The drawn layers `module`'s forward pass calls on `inputs` (one example), in the order called; a
    layer called twice is drawn twice, as the data goes through it twice."""
    stages: list[Stage] = []
    hooks = []
    for layer in module.modules():
        if kind(layer):
            parameters = sum(p.numel() for p in layer.parameters())
            hooks.append(layer.register_forward_hook(
                lambda layer, _, output, parameters=parameters: stages.append(
                    Stage(describe(layer), shape_of(output), parameters))))
    was_training = module.training
    module.eval()
    try:
        module(*inputs)
    finally:
        module.train(was_training)
        for hook in hooks:
            hook.remove()
    return stages


def parameters(stages: tuple[Stage, ...] | list[Stage]) -> int:
    return sum(stage.parameters for stage in stages)


def _classifier(model: nn.Module) -> list[Row]:
    image = torch.zeros(1, 1, 28, 28)
    return [Row("Reading a digit", (Stage("your digit, 28x28 pixels", (1, 28, 28)), *trace(model, image),
                                     Stage("softmax: a probability for each digit", (10,))))]


def _vae(model: VAE) -> list[Row]:
    latent = model.config.latent
    encoder = trace(model.encoder, torch.zeros(1, 1, 28, 28))
    decoder = trace(model.decoder, torch.zeros(1, latent))
    return [Row("Encoder q(z|x)", (Stage("a digit x", (1, 28, 28)), *encoder,
                                   Stage("mean μ and spread σ of each code number", (2, latent)))),
            Row("Decoder p(x|z)", (Stage("a code z = μ + σ·ε", (latent,)), *decoder,
                                   Stage("sigmoid: each pixel's chance of ink", (1, 28, 28))))]


def _gan(model: GAN) -> list[Row]:
    noise = torch.zeros(1, model.config.noise)
    label = torch.zeros(1, dtype=torch.long) if model.classes else None
    given = (Stage("noise z", (model.config.noise,)),) + ((Stage("the digit asked for", (1,)),) if label is not None
                                                         else ())
    generator = trace(model.generator, noise, label)
    discriminator = trace(model.discriminator, torch.zeros(1, 1, 28, 28), label)
    return [Row("Generator G: noise to a digit", (*given, *generator, Stage("tanh: a digit G(z)", (1, 28, 28)))),
            Row("Discriminator D: real or drawn?", (Stage("a real or drawn digit", (1, 28, 28)), *discriminator,
                                                    Stage("sigmoid: D's chance it is real", (1,))))]


def _lstm(model: CharLSTM, title: str = "Writing, one character at a time") -> Row:
    vocab = len(model.config.vocab)
    steps = [Stage(stage.what + (": its state (h, c) goes on to the next character" if stage.what.startswith("LSTM")
                                 else ""), stage.shape[1:], stage.parameters)  # one step: no time axis
             for stage in trace(model, torch.zeros(1, 1, dtype=torch.long))]
    return Row(title, (Stage("the last character", (1,)), *steps,
                       Stage(f"softmax: the chance of each of {vocab} characters next", (vocab,))))


def _text_vae(model: TextVAE) -> list[Row]:
    config = model.config
    vocab = len(config.vocab)
    return [Row("Encoder: a line to a code", (
                Stage("a line, character by character", (1,)),
                Stage(describe(model.embed), (config.embed,), model.embed.weight.numel()),
                Stage(describe(model.encoder), (2 * config.hidden,), sum(p.numel() for p in model.encoder.parameters())),
                Stage(describe(model.to_latent), (2 * config.latent,), sum(p.numel() for p in model.to_latent.parameters())),
                Stage("mean μ and spread σ of each code number", (2, config.latent)))),
            Row("Decoder: the code to a line", (
                Stage("a code z = μ + σ·ε", (config.latent,)),
                Stage(describe(model.from_latent) + " (the decoder's first state)", (2 * config.hidden,),
                      sum(p.numel() for p in model.from_latent.parameters())),
                Stage(describe(model.decoder) + ", reading z at every step", (config.hidden,),
                      sum(p.numel() for p in model.decoder.parameters())),
                Stage(describe(model.head), (vocab,), sum(p.numel() for p in model.head.parameters())),
                Stage(f"softmax: the chance of each of {vocab} characters next", (vocab,))))]


def _text_gan(model: TextGAN) -> list[Row]:
    config = model.config
    vocab = len(config.vocab)
    line = torch.zeros(1, config.max_chars + 1, vocab)
    return [_lstm(model.generator, "Generator: an LSTM writes a line, each character drawn by Gumbel-softmax"),
            Row("Critic: how real a whole line looks", (
                Stage("a line as one-hot characters", (config.max_chars + 1, vocab)),
                *trace(model.discriminator, line), Stage("a score: higher is more real", (1,))))]


def diagram(model: nn.Module) -> list[Row]:
    """The model's rows of stages, traced from the model as loaded."""
    if isinstance(model, VAE):
        return _vae(model)
    if isinstance(model, GAN):
        return _gan(model)
    if isinstance(model, TextVAE):
        return _text_vae(model)
    if isinstance(model, TextGAN):
        return _text_gan(model)
    if isinstance(model, CharLSTM):
        return [_lstm(model)]
    return _classifier(model)


SOME_TEXT = "".join(sorted(set("\n !',-.:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")))  # a stand-in alphabet


def planned(name: str, config) -> nn.Module:
    """The network a run of this architecture and config would build, before it has seen its data: a
    text model's alphabet, which its text decides, is a stand-in of letters and punctuation."""
    if hasattr(config, "vocab") and not config.vocab:
        config = replace(config, vocab=SOME_TEXT)
    return NETWORKS[name][0](config)
