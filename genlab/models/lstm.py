"""A character-level LSTM language model: embedding, stacked LSTM, a linear softmax over the vocabulary."""
from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

State = tuple[torch.Tensor, torch.Tensor]


class LSTMStep:
    """An nn.LSTM run one time step at a time, for inference (writing a character, a line's next
    character). nn.LSTM pays a fixed cost per call that dwarfs one step's arithmetic on a CPU; with
    each layer's two weight matrices laid out once as one, a step costs a fifth as much. It copies the
    weights when made, so make one per generation (a model in training moves on without it)."""

    def __init__(self, lstm: nn.LSTM):
        if lstm.bidirectional or lstm.proj_size:
            raise ValueError("LSTMStep runs one-directional LSTMs without projections")
        self.layers = []
        for k in range(lstm.num_layers):
            w_ih, w_hh = getattr(lstm, f"weight_ih_l{k}"), getattr(lstm, f"weight_hh_l{k}")
            bias = getattr(lstm, f"bias_ih_l{k}") + getattr(lstm, f"bias_hh_l{k}") if lstm.bias else None
            self.layers.append((torch.cat([w_ih, w_hh], 1).t().contiguous().detach(),
                                None if bias is None else bias.detach()))
        self.hidden = lstm.hidden_size

    @torch.no_grad()
    def __call__(self, x: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        """The top layer's output (B, H) for one step's input (B, I), and the state after it, laid out
        as nn.LSTM's, so the two can take turns (nn.LSTM reads a prompt fastest, in one call)."""
        if state is None:
            zeros = x.new_zeros(len(self.layers), len(x), self.hidden)
            state = (zeros, zeros)
        hs, cs = [], []
        for (weight, bias), h, c in zip(self.layers, *state):
            gates = torch.cat([x, h], 1) @ weight if bias is None else torch.addmm(bias, torch.cat([x, h], 1), weight)
            i, f, g, o = gates.chunk(4, 1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            x = torch.sigmoid(o) * torch.tanh(c)
            hs.append(x)
            cs.append(c)
        return x, (torch.stack(hs), torch.stack(cs))


@dataclass
class CharLSTMConfig:
    vocab: str = ""  # the characters the model knows, in id order; stored in the checkpoint
    embed: int = 128
    hidden: int = 512
    layers: int = 2
    dropout: float = 0.2


class CharLSTM(nn.Module):
    arch = "lstm"
    family = "lstm"

    def __init__(self, config: CharLSTMConfig):
        super().__init__()
        if len(config.vocab) < 2:
            raise ValueError("CharLSTMConfig.vocab needs at least two characters")
        self.config = config
        self.embed = nn.Embedding(len(config.vocab), config.embed)
        self.lstm = nn.LSTM(config.embed, config.hidden, config.layers, batch_first=True,
                            dropout=config.dropout if config.layers > 1 else 0.0)
        self.drop = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.hidden, len(config.vocab))

    def forward(self, ids: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        """Logits (B, T, V) for the next character after each position, and the state after the last."""
        out, state = self.lstm(self.drop(self.embed(ids)), state)
        return self.head(self.drop(out)), state

    def forward_soft(self, weights: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        """forward for inputs given as distributions over characters (B, T, V), each embedded as the
        mix of its characters' embeddings: how a text GAN passes gradients through sampled text."""
        out, state = self.lstm(self.drop(weights @ self.embed.weight), state)
        return self.head(self.drop(out)), state

    def stepper(self) -> Callable[[torch.Tensor, State | None], tuple[torch.Tensor, State]]:
        """forward for one character per row, at inference: ids (B,) -> logits (B, V) and the state
        (see LSTMStep: about 5x faster on a CPU than forward one step at a time)."""
        step = LSTMStep(self.lstm)

        @torch.no_grad()
        def one(ids: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
            out, state = step(self.embed(ids), state)
            return self.head(out), state

        return one
