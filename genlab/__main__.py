"""Command line: `python -m genlab VERB ...`, one module a verb in genlab/commands/."""
import importlib
import sys

from genlab.commands import VERBS


def main() -> None:
    verb = sys.argv[1] if len(sys.argv) > 1 else None
    if verb not in VERBS:
        sys.exit(f"usage: python -m genlab {{{','.join(VERBS)}}} ...")
    importlib.import_module(f"genlab.commands.{VERBS[verb]}").main(sys.argv[2:])


if __name__ == "__main__":
    main()
