"""The Text GAN tab's comparison: lines from the adversarially trained generator beside lines from the
same generator before adversarial training and from the character LSTM, each set measured the same
way (how the LSTM reads them, distinct n-grams, length). The tab and the benchmarks both call it."""
import math
from dataclasses import dataclass

import torch
from torch import nn

from genlab.core.errors import RequestError
from genlab.core.lines import line_statistics, lm_lines, sample_lines
from genlab.core.seeds import checked_seed
from genlab.models.text_gan import TextGAN

MAX_COUNT = 32
GAN, PRETRAINED, LSTM = "Text GAN", "Before adversarial training", "Character LSTM"
COUNT_REFUSED = f"Lines from each must be a whole number from 1 to {MAX_COUNT}."
TEMPERATURE_REFUSED = "The temperature must be a positive number."


@dataclass
class Written:
    lines: list[str]
    statistics: dict  # genlab.core.lines.line_statistics of the lines


def compare(model: TextGAN, judge: nn.Module | None, count: float, temperature: float, seed: float,
            device: torch.device) -> dict[str, Written]:
    """`count` lines from each writer at this temperature and seed, by writer. The LSTM writes (and
    judges) only when it knows the same characters as the GAN, i.e. both learned from the same text."""
    if count is None or not math.isfinite(count) or not 1 <= count <= MAX_COUNT:
        raise RequestError(COUNT_REFUSED)
    if temperature is None or not math.isfinite(temperature) or temperature <= 0:
        raise RequestError(TEMPERATURE_REFUSED)
    count, seed, chars = int(count), checked_seed(seed), model.config.max_chars
    writers = {GAN: sample_lines(model.generator, count, chars, device, temperature, seed),
               PRETRAINED: sample_lines(model.pretrained, count, chars, device, temperature, seed)}
    same_text = judges(model, judge)
    if same_text:
        writers[LSTM] = lm_lines(judge, count, chars, device, temperature, seed)
    return {who: Written(lines, line_statistics(lines, judge if same_text else None, device))
            for who, lines in writers.items()}


def judges(model: TextGAN, judge: nn.Module | None) -> bool:
    """Whether the LSTM writes beside the GAN and judges the lines: it knows the same characters (it learned
    from the same text)."""
    return judge is not None and judge.config.vocab == model.config.vocab
