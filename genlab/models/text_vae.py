"""A sentence VAE (Bowman et al. 2016) over characters: a bidirectional LSTM encodes a line to a
diagonal Gaussian q(z|x); an LSTM decoder starts from z and also reads z at every step, so that it
leans on the code instead of ignoring it (posterior collapse)."""
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from genlab.core.lines import NEWLINE, LineBatch, first_lines
from genlab.core.seeds import picked, uniform
from genlab.models.lstm import LSTMStep


@dataclass
class TextVAEConfig:
    vocab: str = ""  # the characters the model knows, in id order; stored in the checkpoint
    max_chars: int = 40  # the longest line it was trained on
    embed: int = 64
    hidden: int = 256
    latent: int = 16

    @property
    def longest(self) -> int:
        """The most characters decode writes a line: 1.5x the longest line it learned from."""
        return int(self.max_chars * 1.5)


class TextVAE(nn.Module):
    arch = "textvae"
    family = "textvae"

    def __init__(self, config: TextVAEConfig):
        super().__init__()
        if NEWLINE not in config.vocab:
            raise ValueError("TextVAEConfig.vocab needs the newline: it starts and ends every line")
        self.config = config
        chars = len(config.vocab)
        self.blank = chars  # an extra input id: what word dropout puts in place of a character
        self.embed = nn.Embedding(chars + 1, config.embed)
        self.encoder = nn.LSTM(config.embed, config.hidden, batch_first=True, bidirectional=True)
        self.to_latent = nn.Linear(2 * config.hidden, 2 * config.latent)
        self.from_latent = nn.Linear(config.latent, 2 * config.hidden)
        self.decoder = nn.LSTM(config.embed + config.latent, config.hidden, batch_first=True)
        self.head = nn.Linear(config.hidden, chars)

    def encode(self, batch: LineBatch) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean and log-variance of q(z|line), from both directions' last states over the real characters."""
        packed = pack_padded_sequence(self.embed(batch.targets), batch.lengths.cpu(), batch_first=True,
                                      enforce_sorted=False)
        _, (last, _) = self.encoder(packed)
        mean, log_var = self.to_latent(torch.cat([last[0], last[1]], dim=1)).chunk(2, dim=1)
        return mean, log_var.clamp(-12, 8)

    def start_state(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The decoder's state before the first character: made from the code."""
        h, c = torch.tanh(self.from_latent(z)).chunk(2, dim=1)
        return h[None].contiguous(), c[None].contiguous()

    def decode_logits(self, z: torch.Tensor, inputs: torch.Tensor) -> torch.Tensor:
        """Next-character logits (B, T, V) for teacher-forced inputs."""
        steps = z[:, None].expand(-1, inputs.shape[1], -1)
        out, _ = self.decoder(torch.cat([self.embed(inputs), steps], dim=2), self.start_state(z))
        return self.head(out)

    def forward(self, batch: LineBatch, word_dropout: float = 0.0, generator: torch.Generator | None = None):
        """(logits, mean, log-variance) with one reparameterised z; word dropout blanks that share of the
        decoder's input characters (never the start), so it must get them from z."""
        mean, log_var = self.encode(batch)
        noise = torch.randn(mean.shape, generator=generator).to(mean.device)
        z = mean + noise * torch.exp(0.5 * log_var)
        inputs = batch.inputs
        if word_dropout > 0:
            drop = torch.rand(inputs.shape, generator=generator).to(inputs.device) < word_dropout
            drop[:, 0] = False
            inputs = inputs.masked_fill(drop, self.blank)
        logits = self.decode_logits(z, inputs)
        return logits, mean, log_var

    @torch.no_grad()
    def decode(self, z: torch.Tensor, temperature: float = 0.0, seed: int = 0) -> list[str]:
        """One line per code: greedy at temperature 0, sampled otherwise, line i's character t picked by the
        seed's uniform draw i x config.longest + t (genlab.core.seeds, which the page draws alike)."""
        vocab = self.config.vocab
        newline = vocab.index(NEWLINE)
        draws = uniform(seed, len(z) * self.config.longest).reshape(len(z), -1) if temperature > 0 else None
        ids = torch.full((len(z),), newline, dtype=torch.long, device=z.device)
        state, step, chosen = self.start_state(z), LSTMStep(self.decoder), []
        ended = torch.zeros(len(z), dtype=torch.bool)
        for t in range(self.config.longest):
            out, state = step(torch.cat([self.embed(ids), z], dim=1), state)
            logits = self.head(out).float().cpu()
            if draws is not None:
                chances = (logits / temperature).softmax(1).numpy()
                next_ids = torch.tensor([picked(row, draws[i, t]) for i, row in enumerate(chances)])
            else:
                next_ids = logits.argmax(1)
            chosen.append(next_ids)
            ended |= next_ids == newline
            if ended.all():
                break
            ids = next_ids.to(z.device)
        return first_lines(torch.stack(chosen, 1), vocab)

