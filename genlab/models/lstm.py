"""A character-level LSTM language model: embedding, stacked LSTM, a linear softmax over the vocabulary."""
from dataclasses import dataclass

import torch
from torch import nn

State = tuple[torch.Tensor, torch.Tensor]


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
