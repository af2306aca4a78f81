"""A text GAN over characters: a character LSTM generator against a convolutional critic of whole
lines. Sampled text is discrete; the generator's samples reach the critic as straight-through
Gumbel-softmax one-hots (Jang et al. 2017), so the critic's gradient flows back into the LSTM.

The model keeps a frozen copy of its generator as it was after maximum-likelihood pre-training, so
the effect of adversarial training can be measured on the checkpoint itself."""
import copy
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from genlab.core.lines import NEWLINE
from genlab.models.lstm import CharLSTM, CharLSTMConfig


@dataclass
class TextGANConfig:
    vocab: str = ""  # the characters the model knows, in id order; stored in the checkpoint
    max_chars: int = 40  # the longest line it writes
    embed: int = 64
    hidden: int = 256
    filters: int = 64  # critic filters per width (2 to 5 characters)


class LineCritic(nn.Module):
    """Convolutions of 2 to 5 characters over a line's (soft) one-hots, max-pooled over the line."""

    widths = (2, 3, 4, 5)

    def __init__(self, config: TextGANConfig):
        super().__init__()
        self.embed = nn.Linear(len(config.vocab), config.embed, bias=False)
        self.convs = nn.ModuleList(spectral_norm(nn.Conv1d(config.embed, config.filters, w, padding=w - 1))
                                   for w in self.widths)
        self.out = spectral_norm(nn.Linear(config.filters * len(self.widths), 1))

    def forward(self, onehots: torch.Tensor) -> torch.Tensor:
        """One real-or-fake logit per line from (B, T, V); positions after the end are all zeros."""
        x = self.embed(onehots).transpose(1, 2)
        features = [F.leaky_relu(conv(x), 0.2).amax(dim=2) for conv in self.convs]
        return self.out(torch.cat(features, dim=1)).squeeze(1)


class TextGAN(nn.Module):
    arch = "textgan"
    family = "textgan"

    def __init__(self, config: TextGANConfig):
        super().__init__()
        if NEWLINE not in config.vocab:
            raise ValueError("TextGANConfig.vocab needs the newline: it starts and ends every line")
        self.config = config
        self.generator = CharLSTM(CharLSTMConfig(config.vocab, config.embed, config.hidden, layers=1, dropout=0.0))
        self.discriminator = LineCritic(config)
        self.pretrained = copy.deepcopy(self.generator).requires_grad_(False)

    def keep_pretrained(self) -> None:
        """Freeze a copy of the generator as it is now (the end of maximum-likelihood pre-training)."""
        self.pretrained.load_state_dict(self.generator.state_dict())

    def rollout(self, count: int, tau: float = 1.0) -> torch.Tensor:
        """count sampled lines as straight-through Gumbel-softmax one-hots (count, max_chars + 1, V),
        zeroed after each line's first end. Sampling follows the generator's softmax exactly."""
        lstm = self.generator
        newline = self.config.vocab.index(NEWLINE)
        device = lstm.head.weight.device
        start = F.one_hot(torch.full((count, 1), newline, device=device), len(self.config.vocab)).float()
        logits, state = lstm.forward_soft(start)
        chars = []
        for _ in range(self.config.max_chars + 1):
            char = F.gumbel_softmax(logits[:, -1], tau=tau, hard=True)
            chars.append(char)
            logits, state = lstm.forward_soft(char[:, None], state)
        onehots = torch.stack(chars, dim=1)
        ends = onehots[..., newline].detach().cumsum(1)
        alive = (ends - onehots[..., newline].detach()) == 0  # up to and including the first end
        return onehots * alive[..., None]
