"""How big a model a config implies, worked out on PyTorch's meta device (shapes, no memory) before
anything is allocated: its parameters, and the activations of the largest input the app runs it on
(measured for one position of it, an image or a character, and scaled by its length). A config someone uploads may be at most HEADROOM times the largest the Train tab can
make, in both; a JSON of a few bytes must not make the server allocate gigabytes."""
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import torch

from genlab.core.corpus import MAX_VOCAB
from genlab.families import ARCHITECTURES, family_of
from genlab.families.base import Architecture

HEADROOM = 4


@dataclass(frozen=True)
class Footprint:
    parameters: int
    activations: int  # numbers the largest input's forward pass produces, summed over every module's outputs


def numbers_in(value: Any) -> int:
    if isinstance(value, torch.Tensor):
        return value.numel()
    if isinstance(value, (tuple, list)):
        return sum(numbers_in(v) for v in value)
    return 0


def footprint(architecture: Architecture, config: Any) -> Footprint:
    """Parameters and activations of this architecture with this config, computed on the meta device."""
    activations = 0

    def count(module, inputs, output) -> None:
        nonlocal activations
        activations += numbers_in(output)

    with torch.device("meta"), torch.no_grad():
        model = architecture.model(config).eval()
        hooks = [m.register_forward_hook(count) for m in model.modules() if not list(m.children())]
        positions = family_of(architecture.name).probe(model)
        for hook in hooks:
            hook.remove()
    return Footprint(sum(p.numel() for p in model.parameters()), activations * positions)


@cache
def limit(name: str) -> Footprint:
    """HEADROOM times the largest model of this architecture the Train tab can make: every knob at its
    top, a text of MAX_VOCAB distinct characters."""
    architecture, family = ARCHITECTURES[name], family_of(name)
    config, _ = family.build(architecture, {key: knob.high for key, knob in architecture.recipe.knobs.items()})
    if hasattr(config, "vocab"):
        config = replace(config, vocab="\n" + "".join(map(chr, range(32, 31 + MAX_VOCAB))))
    largest = footprint(architecture, config)
    return Footprint(HEADROOM * largest.parameters, HEADROOM * largest.activations)


def too_big(name: str, config: Any) -> str:
    """Why a config makes a model of the named architecture too big for the app to load ('' when it
    does not): the refusal genlab.models.loading asks about a visitor's upload."""
    architecture = ARCHITECTURES[name]
    size, allowed = footprint(architecture, config), limit(architecture.name)
    if size.parameters > allowed.parameters:
        return (f"its config makes a {architecture.name} of {size.parameters:,} parameters; the app loads "
                f"up to {allowed.parameters:,} ({HEADROOM}x the largest the Train tab makes)")
    if size.activations > allowed.activations:
        return (f"its config makes a {architecture.name} whose working memory for one input is "
                f"{size.activations:,} numbers; the app allows up to {allowed.activations:,} "
                f"({HEADROOM}x the largest the Train tab makes)")
    return ""
