"""A sentence VAE put to use: reading a typed line, rebuilding it from its code, walking between two
lines in the latent space, and writing lines from the prior. The Sentences tab calls these."""
from dataclasses import dataclass

import torch

from genlab.core.corpus import TextError, decode, encode
from genlab.core.lines import NEWLINE, line_batch
from genlab.core.seeds import gaussian
from genlab.inference.latent import path
from genlab.models.text_vae import TextVAE
from genlab.models.vae import kl_per_dim

MAX_COUNT = 32  # lines per request
MAX_STEPS = 16  # points on a walk between two lines


@dataclass
class Line:
    text: str  # the line as the model reads it: unknown characters left out
    unknown: str  # the characters it left out


TOO_LONG = "{what} has {count} characters; the model reads lines of up to {limit} (it learned from lines of up to {max_chars})."
EMPTY = "{what} is empty: type a line with letters the model knows."
HOLDS = "The code holds {kl} nats about this line (its KL from the prior)."  # the page says these alike (ui/web/sentences.js)


def read_line(text: str, model: TextVAE, what: str = "The line") -> Line:
    """A typed line for the model; refuses non-text, blank and over-long lines with a readable message."""
    if not isinstance(text, str):
        raise TextError(f"{what} must be text, got {type(text).__name__}.")
    limit = 2 * model.config.max_chars
    text = " ".join(text.split())  # one line: line breaks and runs of spaces become single spaces
    if len(text) > limit:
        raise TextError(TOO_LONG.format(what=what, count=len(text), limit=limit, max_chars=model.config.max_chars))
    vocab = model.config.vocab.replace(NEWLINE, "")
    encoded = encode(text, vocab)
    known = decode(encoded.ids, vocab)
    if not known.strip():
        raise TextError(EMPTY.format(what=what))
    return Line(known, encoded.unknown)


def unknown_in(*lines: Line) -> str:
    """The typed characters the model does not know, sorted, each once (corpus.left_out words them)."""
    return "".join(sorted({ch for line in lines for ch in line.unknown}))


@torch.no_grad()
def code_of(model: TextVAE, line: str, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and log-variance of q(z|line), each (latent,)."""
    model.eval()
    mean, log_var = model.encode(line_batch([line], model.config.vocab).to(device))
    return mean[0], log_var[0]


@torch.no_grad()
def rebuild(model: TextVAE, line: str, device: torch.device, samples: int = 4, seed: int = 0):
    """The greedy line from the posterior mean, greedy lines from `samples` posterior draws (how much
    the code pins the line down), and the line's KL in nats (how much information the code holds)."""
    mean, log_var = code_of(model, line, device)
    noise = torch.from_numpy(gaussian(seed, samples, len(mean))).to(device)  # the seed's own (genlab.core.seeds)
    draws = mean + noise * torch.exp(0.5 * log_var)
    decoded = model.decode(torch.cat([mean[None], draws]))
    return decoded[0], decoded[1:], float(kl_per_dim(mean, log_var).sum())


@torch.no_grad()
def walk(model: TextVAE, a: str, b: str, steps: int, device: torch.device, spherical: bool = False) -> list[str]:
    """Greedy lines at `steps` evenly spaced codes from a's posterior mean to b's."""
    codes = path(code_of(model, a, device)[0].cpu(), code_of(model, b, device)[0].cpu(), steps, spherical)
    return model.decode(codes.to(device))


@torch.no_grad()
def from_prior(model: TextVAE, count: int, device: torch.device, temperature: float = 0.0, seed: int = 0) -> list[str]:
    """Lines decoded from codes drawn from N(0, I): greedy at temperature 0, sampled otherwise."""
    model.eval()
    z = torch.from_numpy(gaussian(seed, count, model.config.latent))  # the seed's own (genlab.core.seeds)
    return model.decode(z.to(device), temperature=temperature, seed=seed)
