"""Every model family genlab knows: the one place a family registers. A new family is a model module
(genlab/models/), a family module here, and one line in FAMILIES."""
from genlab.families import classifier, gan, lstm, text_gan, text_vae, vae
from genlab.families.base import Architecture, Family

FAMILIES: dict[str, Family] = {f.name: f for f in (
    classifier.FAMILY, vae.FAMILY, gan.FAMILY, lstm.FAMILY, text_vae.FAMILY, text_gan.FAMILY,
)}
ARCHITECTURES: dict[str, Architecture] = {a.name: a for f in FAMILIES.values() for a in f.architectures}


def family_of(architecture: str) -> Family:
    """The family an architecture (a checkpoint's `arch`) belongs to."""
    return FAMILIES[ARCHITECTURES[architecture].model.family]
