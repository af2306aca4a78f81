"""Train an architecture and save it: the one way a model is made, whether the command line, a
visitor's live run or a benchmark asks for it, so a model trained live is saved exactly as the
committed ones are."""
from pathlib import Path
from typing import Any, Iterator

import torch

from genlab.core.checkpoint import config_to_dict, save_checkpoint
from genlab.core.corpus import MAX_TRAINING_TEXT, TextError, decode_utf8, split_corpus
from genlab.core.device import describe
from genlab.core.lines import split_lines
from genlab.families import ARCHITECTURES, family_of
from genlab.families.base import Family
from genlab.train.loop import Stop, TrainEvent

PATH_SETTINGS = ("text_file", "digits_from")  # files a run reads: a checkpoint records their names only


def recorded(settings: Any) -> dict[str, Any]:
    """The settings as a checkpoint records them: a file a run read by its name alone, so a checkpoint
    someone downloads names no folder of the machine that trained it."""
    values = config_to_dict(settings)
    return {k: Path(v).name if k in PATH_SETTINGS and v else v for k, v in values.items()}


def train_and_save(name: str, config: Any, settings: Any, device: torch.device, out: Path,
                   stop: Stop | None = None) -> Iterator[TrainEvent]:
    """Build the architecture, train it with its family's loop, yield every event, and write the
    checkpoint to `out` at the end."""
    family = family_of(name)
    config = family.configure(config, settings)
    torch.manual_seed(settings.seed)
    model = ARCHITECTURES[name].model(config)
    last = None
    for last in family.train(model, settings, device, stop):
        yield last
    training = {**recorded(settings), "steps": last.step, "seconds": round(last.elapsed, 1), "device": describe(device)}
    save_checkpoint(model, out, training=training, dataset=family.dataset, metrics=last.metrics)


def visitor_text(family: Family, text: str | None, upload: bytes | None) -> str:
    """A text a visitor gives a text family to learn from (typed, or an uploaded file's bytes), after
    the checks training would make: refused with a RequestError before any process starts."""
    if upload is not None:
        if len(upload) > 4 * MAX_TRAINING_TEXT:
            raise TextError(f"The file is {len(upload):,} bytes; the cap is {MAX_TRAINING_TEXT:,} characters.")
        text = decode_utf8(upload)
    if not text:
        raise TextError("Paste some text or upload a UTF-8 .txt file, or choose tiny-shakespeare.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise TextError(f"The text holds a character that is not valid Unicode ({text[err.start]!r} at "
                        f"position {err.start}), so it cannot be saved as UTF-8: fix or remove it.") from None
    split_corpus(text)
    if family.text_unit == "lines":
        split_lines(text)  # enough short lines
    return text
