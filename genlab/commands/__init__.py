"""The command line's verbs, one module each with a main(argv): `python -m genlab VERB ...`."""

VERBS = {  # verb -> the module of this package that runs it
    "train": "train", "compare": "compare", "eval": "evaluate", "bench": "bench", "export": "export",
    "deploy": "deploy", "site": "site", "structure": "structure",
}
