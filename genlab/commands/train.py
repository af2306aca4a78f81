"""`python -m genlab train ARCH [options]`: train one architecture from the command line with the loop
and saver the Train tab uses (genlab.families.training), printing each progress event; Ctrl-C ends the
run early the way Stop does, and still saves it."""
import argparse
import dataclasses
import signal
import sys
import threading
from pathlib import Path

from genlab.core.checkpoint import checkpoint_dir, checkpoint_paths
from genlab.core.device import describe, pick_device
from genlab.core.errors import RequestError
from genlab.families import ARCHITECTURES, family_of
from genlab.families.training import train_and_save


def add_dataclass_options(parser: argparse.ArgumentParser, cls: type, title: str) -> None:
    """One --option per dataclass field, typed by its default."""
    group = parser.add_argument_group(title)
    for field in dataclasses.fields(cls):
        default = getattr(cls(), field.name)
        flag = "--" + field.name.replace("_", "-")
        if isinstance(default, bool):
            group.add_argument(flag, type=lambda s: s.lower() in ("1", "true", "yes"), default=default,
                               metavar="BOOL", help=f"default {default}")
        elif isinstance(default, tuple):
            group.add_argument(flag, type=type(default[0]), nargs="+", default=default, help=f"default {default}")
        elif default is None:
            group.add_argument(flag, type=float, default=None, help="default: none")
        else:
            group.add_argument(flag, type=type(default), default=default, help=f"default {default}")


def pick_fields(cls: type, args: argparse.Namespace):
    values = {f.name: getattr(args, f.name) for f in dataclasses.fields(cls)}
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


def main(argv: list[str]) -> None:
    name = argv[0] if argv and argv[0] in ARCHITECTURES else None
    if name is None:
        sys.exit(f"usage: python -m genlab train {{{','.join(ARCHITECTURES)}}} [options]  (--help after the name)")
    arch, family = ARCHITECTURES[name], family_of(name)
    parser = argparse.ArgumentParser(prog=f"python -m genlab train {name}")
    parser.add_argument("--out", type=Path, default=checkpoint_dir() / name, help="checkpoint path without suffix")
    add_dataclass_options(parser, arch.config, "architecture")
    add_dataclass_options(parser, family.settings, "training")
    args = parser.parse_args(argv[1:])
    config, settings = pick_fields(arch.config, args), pick_fields(family.settings, args)
    device = pick_device()
    print(f"training {name} on {describe(device)}; Ctrl-C ends it early and still saves it", flush=True)
    stop = threading.Event()  # what Stop is in the browser: the loop ends after its step, evaluates and saves
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        for event in train_and_save(name, config, settings, device, args.out, stop):
            print(event.line(), flush=True)
            if isinstance(event.preview, str):
                print("  | " + event.preview.replace("\n", "\n  | "), flush=True)
    except RequestError as refused:  # settings it cannot train with (a GAN that cannot draw labelled digits)
        sys.exit(str(refused))
    print("wrote", *checkpoint_paths(args.out))
