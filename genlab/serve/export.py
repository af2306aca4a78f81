"""ONNX exports of the small image models, so that the visitor's browser can run them (ONNX Runtime
Web) and the sliders redraw at display rate without asking the server.

These graphs, each with its output post-processing inside, so the page only draws:
- a VAE's decoder: code (n, latent) -> image (n, 1, 28, 28) in [0, 1] and its logits; and its encoder:
  image -> the posterior's mean, standard deviation and log-variance (n, latent) (the explorer's Encode, and
  What's happening's figures);
- a GAN's generator: noise (n, noise) [+ digit (n,) for the conditional one] -> image in [0, 1];
- a classifier (the CNN that reads the other models' digits): image in [0, 1] -> probabilities (n, 10);
- a classifier's explainer (the CNN or the MLP: Classify's reading): image -> probabilities and heat
  (n, 28, 28) in [0, 1], what drove each answer (genlab.inference.explain, gradient written out by hand);
- a GAN's judge, its discriminator: image in [0, 1] [+ digit] -> real (n,), its chance that each
  image is real (the GAN sampler's "D's chance it is real"), and its logit (What's happening's figures); a text
  GAN's judge, its critic: lines as one-hots (n, max_chars + 1, V) -> score (n,);
- a sentence VAE's decoder as one step on a carried state: ids (n,), the codes z (n, latent), h and c
  (1, n, hidden), and `fresh` (n, 1), 1 where a line starts (its state made from its code) -> logits (n, V)
  with h_out and c_out; and its encoder: a line's ids, then a newline's (1, t) -> the posterior's mean and
  log-variance;
- and a character LSTM as one graph that carries its state: ids (n, t) with h and c (layers, n, hidden)
  -> logits (n, t, V) and the state after the last id, h_out and c_out. The page reads a prompt in one
  run (t its length) and then writes one character a run (t = 1) on the carried state. A text GAN's
  generator is such an LSTM, and so is its copy from before adversarial training (its PRETRAINED part).

`python -m genlab export [NAME ...] [--out DIR]` (genlab.commands.export) writes them as files; the app exports in memory
(genlab.serve.web_models) for the committed checkpoints and for visitors' own models alike.
"""
import copy
import io
import math
import threading
import warnings
from typing import NamedTuple

import numpy as np
import onnx as onnx_format
import torch
from onnx import numpy_helper
from torch import nn
from torch.nn.utils import parametrize

from genlab.core.checkpoint import Checkpoint
from genlab.inference.explain import explain
from genlab.models.gan import GAN
from genlab.models.lstm import CharLSTM
from genlab.models.text_gan import TextGAN
from genlab.models.text_vae import TextVAE
from genlab.models.vae import VAE

OPSET = 18
MODEL, JUDGE, EXPLAINER, ENCODER, PRETRAINED = "model", "judge", "explainer", "encoder", "pretrained"  # the parts of
# a checkpoint the page runs: the model itself, a GAN's discriminator, a classifier with its heat map, a VAE's
# encoder, a text GAN's generator before adversarial training
EXPORTING = threading.Lock()  # torch's exporter keeps global state: one export at a time in a process
MAX_ONNX_BYTES = 32 * 1024 * 1024  # a graph the page would fetch; larger visitor models stay on the server


class ExportError(ValueError):
    """A model this module cannot export, or one too large to send to a browser."""


class Decoder(nn.Module):
    def __init__(self, vae: VAE):
        super().__init__()
        self.vae = vae

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        logits = self.vae.decode_logits(z)
        return torch.sigmoid(logits), logits  # the logits too: What's happening's reconstruction term is taken from them


class Encoder(nn.Module):
    """VAE.encode's Gaussian as the explorer shows it: its mean and standard deviation."""

    def __init__(self, vae: VAE):
        super().__init__()
        self.vae = vae

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mean, log_var = self.vae.encode(image)
        return mean, (0.5 * log_var).exp(), log_var  # the log-variance too: What's happening's KL is taken from it


class Generator(nn.Module):
    """The generator with GAN.sample's rescaling from tanh's [-1, 1] to [0, 1]."""

    def __init__(self, gan: GAN):
        super().__init__()
        self.generator = gan.generator

    def forward(self, noise: torch.Tensor, digit: torch.Tensor | None = None) -> torch.Tensor:
        return (self.generator(noise, digit) + 1) / 2


def divided_once(module: nn.Module) -> nn.Module:
    """The module with spectral norm's weights divided once (its vdot has no ONNX operator). Removing a
    parametrization edits the module's class, which a deep copy shares with the served model: each gets a class of
    its own."""
    for part in [m for m in module.modules() if parametrize.is_parametrized(m)]:
        part.__class__ = type(part.__class__.__name__, part.__class__.__bases__, dict(part.__class__.__dict__))
        for name in list(part.parametrizations):
            parametrize.remove_parametrizations(part, name, leave_parametrized=True)
    return module


class Judge(nn.Module):
    """The discriminator on images in [0, 1], as genlab.inference.objectives.gan_value shows it."""

    def __init__(self, gan: GAN):
        super().__init__()
        self.discriminator = divided_once(gan.discriminator)

    def forward(self, image: torch.Tensor, digit: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        logit = self.discriminator(image * 2 - 1, digit).float().flatten()
        return torch.sigmoid(logit), logit  # the logit too: log D and log(1 - D) from it, as gan_value takes them


class Critic(nn.Module):
    """A text GAN's critic on lines given as one-hots (n, max_chars + 1, V), as genlab.inference.objectives.critic_scores
    feeds it."""

    def __init__(self, text_gan: TextGAN):
        super().__init__()
        self.critic = divided_once(text_gan.discriminator)

    def forward(self, onehots: torch.Tensor) -> torch.Tensor:
        return self.critic(onehots).float()


class Stepper(nn.Module):
    """CharLSTM.forward with the state as two plain inputs and outputs, as ONNX wants it."""

    def __init__(self, lstm: CharLSTM):
        super().__init__()
        self.lstm = lstm

    def forward(self, ids: torch.Tensor, h: torch.Tensor, c: torch.Tensor) -> tuple[torch.Tensor, ...]:
        logits, (h, c) = self.lstm(ids, (h, c))
        return logits, h, c


class LineWriter(nn.Module):
    """TextVAE.decode's step, the state made from the code where a line starts (`fresh`), as ONNX wants it."""

    def __init__(self, text_vae: TextVAE):
        super().__init__()
        self.text_vae = text_vae

    def forward(self, ids: torch.Tensor, z: torch.Tensor, h: torch.Tensor, c: torch.Tensor,
                fresh: torch.Tensor) -> tuple[torch.Tensor, ...]:
        start_h, start_c = self.text_vae.start_state(z)
        h, c = fresh * start_h + (1 - fresh) * h, fresh * start_c + (1 - fresh) * c
        x = torch.cat([self.text_vae.embed(ids), z], dim=1)[:, None]
        out, (h, c) = self.text_vae.decoder(x, (h, c))
        return self.text_vae.head(out[:, 0]), h, c


class LineReader(nn.Module):
    """TextVAE.encode for one line: its characters' ids and the newline that ends it (line_batch's targets),
    packing not needed for one."""

    def __init__(self, text_vae: TextVAE):
        super().__init__()
        self.text_vae = text_vae

    def forward(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        _, (last, _) = self.text_vae.encoder(self.text_vae.embed(ids))
        mean, log_var = self.text_vae.to_latent(torch.cat([last[0], last[1]], dim=1)).chunk(2, dim=1)
        return mean, log_var.clamp(-12, 8)


class Reader(nn.Module):
    def __init__(self, classifier: nn.Module):
        super().__init__()
        self.classifier = classifier

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.classifier(image).float(), dim=1)


class Explainer(Reader):
    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        logits, heat = explain(self.classifier, image)
        return torch.softmax(logits.float(), dim=1), heat


class Graph(NamedTuple):
    """What to export: the wrapped module, example inputs, input and output names, and each name's dynamic axes
    (the batch on axis 0 unless said)."""

    module: nn.Module
    example: tuple[torch.Tensor, ...]
    inputs: list[str]
    outputs: list[str]
    axes: dict[str, dict[int, str]]


def graph(module: nn.Module, example: tuple, inputs: list[str], outputs: list[str], **axes: dict[int, str]) -> Graph:
    return Graph(module, example, inputs, outputs, {name: axes.get(name, {0: "n"}) for name in [*inputs, *outputs]})


STATE_AXES = {name: {1: "n"} for name in ("h", "c", "h_out", "c_out")}  # an LSTM's state is batched on axis 1


def graph_of(checkpoint: Checkpoint, part: str = MODEL) -> Graph:
    """What to export for a checkpoint's `part` (MODEL, JUDGE, EXPLAINER or ENCODER). The module is a CPU copy in
    eval mode, so the served model is not disturbed."""
    model = copy.deepcopy(checkpoint.model).cpu().eval()
    family = checkpoint.meta["family"]
    if part == JUDGE:
        if family == "textgan":
            width = model.config.max_chars + 1
            return graph(Critic(model), (torch.zeros(1, width, len(model.config.vocab)),), ["onehots"], ["score"])
        if family != "gan":
            raise ExportError(f"Only a GAN has a judge; a {family} model does not.")
        image = torch.zeros(1, 1, 28, 28)
        if model.classes:
            return graph(Judge(model), (image, torch.zeros(1, dtype=torch.long)), ["image", "digit"], ["real", "logit"])
        return graph(Judge(model), (image,), ["image"], ["real", "logit"])
    if part == ENCODER:
        if family == "textvae":  # a line has a length
            return graph(LineReader(model), (torch.zeros(1, 3, dtype=torch.long),), ["ids"], ["mean", "log_var"],
                         ids={0: "n", 1: "t"})
        if family != "vae":
            raise ExportError(f"Only a VAE has an encoder graph; a {family} model does not.")
        return graph(Encoder(model), (torch.zeros(1, 1, 28, 28),), ["image"], ["mean", "spread", "log_var"])
    if part == PRETRAINED:
        if family != "textgan":
            raise ExportError(f"Only a text GAN keeps its generator from before adversarial training; a {family} "
                              "model does not.")
        return stepper(model.pretrained)
    if part == EXPLAINER:
        if family != "classifier":
            raise ExportError(f"Only a classifier has an explainer; a {family} model does not.")
        return graph(Explainer(model), (torch.zeros(1, 1, 28, 28),), ["image"], ["probabilities", "heat"])
    if family == "vae":
        return graph(Decoder(model), (torch.zeros(1, model.config.latent),), ["z"], ["image", "logits"])
    if family == "gan":
        noise = torch.zeros(1, model.config.noise)
        if model.classes:
            return graph(Generator(model), (noise, torch.zeros(1, dtype=torch.long)), ["noise", "digit"], ["image"])
        return graph(Generator(model), (noise,), ["noise"], ["image"])
    if family == "classifier":
        return graph(Reader(model), (torch.zeros(1, 1, 28, 28),), ["image"], ["probabilities"])
    if family == "textvae":
        state, n = torch.zeros(1, 2, model.config.hidden), 2
        example = (torch.zeros(n, dtype=torch.long), torch.zeros(n, model.config.latent), state, state, torch.ones(n, 1))
        return graph(LineWriter(model), example, ["ids", "z", "h", "c", "fresh"], ["logits", "h_out", "c_out"],
                     **STATE_AXES)
    if family == "lstm":
        return stepper(model)
    if family == "textgan":
        return stepper(model.generator)
    raise ExportError(f"Only the image models and the text models run in the page; a {family} model does not.")


def stepper(lstm: CharLSTM) -> Graph:
    """A character LSTM's step graph: the ids have a length too."""
    state = torch.zeros(lstm.config.layers, 1, lstm.config.hidden)
    return graph(Stepper(lstm), (torch.zeros(1, 2, dtype=torch.long), state, state), ["ids", "h", "c"],
                 ["logits", "h_out", "c_out"], ids={0: "n", 1: "t"}, logits={0: "n", 1: "t"}, **STATE_AXES)


HALVED = {EXPLAINER}  # parts whose weights go to the page in float16: Classify's graph, the first a first visit waits for
HALF_FROM = 1024  # values: a smaller tensor (a bias, a shape) stays as it is


def in_half(onnx: bytes) -> bytes:
    """The graph with its weight tensors stored in float16, each cast back to float32 as the graph starts (the
    runtime folds those casts once, when it makes the session): half the bytes to download, float32 arithmetic
    after. The weights themselves round to float16's 11 bits (tests/unit/test_export.py holds what that moves)."""
    model = onnx_format.load_from_string(onnx)
    graph, casts = model.graph, []
    for tensor in list(graph.initializer):
        if tensor.data_type == onnx_format.TensorProto.FLOAT and math.prod(tensor.dims) >= HALF_FROM:
            half = numpy_helper.from_array(numpy_helper.to_array(tensor).astype(np.float16), f"{tensor.name}.half")
            graph.initializer.remove(tensor)
            graph.initializer.append(half)
            casts.append(onnx_format.helper.make_node("Cast", [half.name], [tensor.name], to=onnx_format.TensorProto.FLOAT))
    nodes = [*casts, *graph.node]
    del graph.node[:]
    graph.node.extend(nodes)
    return model.SerializeToString()


def to_onnx(checkpoint: Checkpoint, part: str = MODEL) -> bytes:
    """One self-contained ONNX file (weights inside) with a dynamic batch dimension; a HALVED part's weights in
    float16."""
    module, example, inputs, outputs, axes = graph_of(checkpoint, part)
    buffer = io.BytesIO()
    with EXPORTING, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notice
        torch.onnx.export(module, example, buffer, dynamo=False, opset_version=OPSET, input_names=inputs,
                          output_names=outputs, dynamic_axes=axes)
    onnx = in_half(buffer.getvalue()) if part in HALVED else buffer.getvalue()
    if len(onnx) > MAX_ONNX_BYTES:
        raise ExportError(f"This model's graph is {len(onnx) / 2**20:.1f} MB; the page runs models up to "
                          f"{MAX_ONNX_BYTES / 2**20:.0f} MB, so the server draws it.")
    return onnx


PARTS = {"vae": (MODEL, ENCODER), "gan": (MODEL, JUDGE), "classifier": (MODEL, EXPLAINER), "lstm": (MODEL,),
         "textvae": (MODEL, ENCODER), "textgan": (MODEL, PRETRAINED, JUDGE)}


def exportable(checkpoint: Checkpoint) -> bool:
    return checkpoint.meta["family"] in PARTS


def parts_of(checkpoint: Checkpoint) -> tuple[str, ...]:
    """The graphs the page may run of this checkpoint: the model itself first."""
    return PARTS.get(checkpoint.meta["family"], ())
