"""`python -m genlab site --out DIR [--checkpoints DIR] [--train-at OWNER/NAME]`: write the static site, the lab's page with no Python
behind it (ui/site.py says what it holds), for any static file server:

    python -m genlab site --out site && python -m http.server -d site 8000

It builds the app to read its page, so it is the one verb that reaches above genlab, into the app itself."""
import argparse
from pathlib import Path


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m genlab site", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="the folder to write (replaced if it exists)")
    parser.add_argument("--checkpoints", type=Path, default=None, help="the checkpoints (default: the committed ones)")
    parser.add_argument("--train-at", metavar="OWNER/NAME", help="the Hugging Face Space with the whole lab, where "
                        "the site's Train tab sends visitors (default: it says how to run the lab)")
    args = parser.parse_args(argv)
    from app import build_app
    from ui.site import build_site

    site = build_site(build_app(args.checkpoints), args.train_at)
    site.write(args.out)
    print(site.report(args.out))
