"""`python -m genlab deploy OWNER/NAME [--static | --hardware zerogpu|cpu-basic|cpu-upgrade] [--private] [--dry-run]`:
publish the lab as a Hugging Face Space through huggingface_hub (which stores binaries through LFS/Xet
itself and pushes no git history). As a Gradio Space, only what the app needs goes up, with a README
header and a requirements file written for the chosen hardware; with --static, the static site
(`python -m genlab site`: every tab but Train in the visitor's browser, no server). --dry-run needs no
network and no token: it prints the files, the header, the requirements, and a verdict on every rule the
Hub and its hardware impose."""
import argparse
import fnmatch
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# ZeroGPU builds only with these PyTorch releases (torch -> its torchvision) and these Pythons; read from
# the Hub's ZeroGPU documentation in 2026-11. ZEROGPU_TORCH_PIN is the one CI tests besides our own.
ZEROGPU_READ = "2026-11"
ZEROGPU_TORCH = {"2.8.0": "0.23.0", "2.9.1": "0.24.1", "2.10.0": "0.25.0", "2.11.0": "0.26.0"}
ZEROGPU_PYTHON = ("3.10", "3.12")
ZEROGPU_TORCH_PIN = "2.9.1"
HARDWARE = {"zerogpu": "zero-a10g", "cpu-basic": "cpu-basic", "cpu-upgrade": "cpu-upgrade"}  # ours -> the Hub's
STATIC = "static"
STATIC_DESCRIPTION = "Small deep generative models, live in your browser"  # a static Space trains nothing
# Who may host which way: the Hub's rules since 2026-07-21, read in 2026-11 (docs/hosting.md).
WHO_MAY = f"""who may host which way (the Hub's rules since 2026-07-21, read {ZEROGPU_READ}):
  --static             anyone, a free account included: a static Space, free for everyone. Every tab
                       but Train runs in the visitor's browser; nothing runs on a server.
  --hardware zerogpu   a free account may host 2 ZeroGPU Spaces (PRO 10). The whole lab; only Train asks
                       for a GPU, out of the visitor's daily quota (2 min without login, 5 min on a free
                       account, 40 on PRO); the rest runs on the Space's CPU and costs no quota.
  --hardware cpu-basic, cpu-upgrade
                       a PRO, Team or Enterprise plan: the whole lab on 2 or 8 vCPUs, training included."""
CPU_WHEELS = "--extra-index-url https://download.pytorch.org/whl/cpu"  # CPU-only torch: no GBs of CUDA

APP_FILES = ("app.py", "genlab/**/*.py", "ui/**/*.py", "ui/**/*.js", "ui/**/*.css", "ui/web/vendor/onnxruntime-web/*",
             "checkpoints/*.json", "checkpoints/*.safetensors")
LFS_PATTERNS = ("*.safetensors", "*.onnx", "*.wasm", "*.bin", "*.pt", "*.png", "*.jpg", "*.gif", "*.zip", "*.woff2", "*.gz", "*.br")
NOT_FOR_A_SPACE = ("data/*", "tests/*", "docs/*", "benchmarks/*", ".ci/*", "*-ubyte*", "*/input.txt")
PLAIN_LIMIT = 10 * 2**20  # the Hub refuses a pushed file over 10 MiB that is not stored through LFS/Xet


class DeployError(RuntimeError):
    """Why publishing stopped; the message says what to do."""


@dataclass
class Rule:
    name: str
    ok: bool
    detail: str


def pinned(requirements: str, package: str) -> str | None:
    found = re.search(rf"^{re.escape(package)}==(\S+)", requirements, re.M)
    return found.group(1) if found else None


def our_requirements() -> str:
    return (ROOT / "requirements.txt").read_text()


def requirements_for(hardware: str) -> str:
    """The Space's requirements.txt: ours without Gradio (the header's sdk_version installs it) and with
    a PyTorch that the hardware can install."""
    kept = [line for line in our_requirements().splitlines()
            if line.strip() and not line.startswith("#") and not re.match(r"(torch|torchvision|gradio)\b", line)]
    if hardware == "zerogpu":
        torch_lines = [f"torch=={ZEROGPU_TORCH_PIN}", f"torchvision=={ZEROGPU_TORCH[ZEROGPU_TORCH_PIN]}"]
    else:
        torch_lines = [CPU_WHEELS, f"torch=={pinned(our_requirements(), 'torch')}",
                       f"torchvision=={pinned(our_requirements(), 'torchvision')}"]
    return "\n".join(torch_lines + kept) + "\n"


def readme_parts() -> tuple[dict[str, str], str]:
    """The README's YAML header as ordered key -> raw value, and the text after it."""
    text = (ROOT / "README.md").read_text()
    _, header, body = text.split("---\n", 2)
    fields = dict(line.split(": ", 1) for line in header.strip().splitlines())
    return fields, body


def header_for(hardware: str) -> dict[str, str]:
    fields, _ = readme_parts()
    fields["sdk_version"] = pinned(our_requirements(), "gradio")
    fields["python_version"] = f'"{ZEROGPU_PYTHON[-1]}"' if hardware == "zerogpu" else fields["python_version"]
    fields["suggested_hardware"] = HARDWARE[hardware]
    return fields


def static_header() -> dict[str, str]:
    """A static Space's header: the README's title and card fields, the static SDK and the page to open."""
    fields, _ = readme_parts()
    kept = {key: value for key, value in fields.items()
            if key not in ("sdk", "sdk_version", "app_file", "python_version", "suggested_hardware")}
    return kept | {"short_description": STATIC_DESCRIPTION, "sdk": STATIC, "app_file": "index.html"}


def gitattributes() -> str:
    return "".join(f"{pattern} filter=lfs diff=lfs merge=lfs -text\n" for pattern in LFS_PATTERNS)


def upload_set(hardware: str) -> dict[str, bytes]:
    """Every file the Space gets, by its path there: the app's own files and the ones written for it."""
    files = {str(path.relative_to(ROOT)): path.read_bytes()
             for pattern in APP_FILES for path in sorted(ROOT.glob(pattern)) if "__pycache__" not in path.parts}
    header = "".join(f"{key}: {value}\n" for key, value in header_for(hardware).items())
    files["README.md"] = f"---\n{header}---\n{readme_parts()[1]}".encode()
    files["requirements.txt"] = requirements_for(hardware).encode()
    files[".gitattributes"] = gitattributes().encode()
    return files


def static_upload_set(site: dict[str, bytes]) -> dict[str, bytes]:
    """Every file a static Space gets: the site's (ui/site.py), a README with a static header and .gitattributes."""
    header = "".join(f"{key}: {value}\n" for key, value in static_header().items())
    return site | {"README.md": f"---\n{header}---\n{readme_parts()[1]}".encode(), ".gitattributes": gitattributes().encode()}


def is_binary(data: bytes) -> bool:
    try:
        data[:8192].decode("utf-8")
    except UnicodeDecodeError:
        return True
    return b"\0" in data[:8192]


def in_lfs(path: str) -> bool:
    return any(fnmatch.fnmatch(Path(path).name, pattern) for pattern in LFS_PATTERNS)


def header_of(files: dict[str, bytes]) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in files["README.md"].decode().split("---\n")[1].strip().splitlines())


def stored_through_lfs(files: dict[str, bytes]) -> Rule:
    plain_binaries = [p for p, data in files.items() if is_binary(data) and not in_lfs(p)]
    too_big = [p for p, data in files.items() if len(data) > PLAIN_LIMIT and not in_lfs(p)]
    return Rule("binaries are stored through LFS/Xet", not plain_binaries and not too_big,
                f"not covered by {LFS_PATTERNS}: {plain_binaries + too_big}" if plain_binaries or too_big
                else f"{sum(map(is_binary, files.values()))} binary files, all under the LFS patterns")


def no_strays(files: dict[str, bytes]) -> Rule:
    strays = [p for p in files if any(fnmatch.fnmatch(p, pattern) for pattern in NOT_FOR_A_SPACE)]
    return Rule("no data sets or test files go up", not strays, f"these do: {strays}" if strays else "none")


def check(files: dict[str, bytes], hardware: str) -> list[Rule]:
    """A verdict on each rule the Hub and the hardware impose on this upload."""
    header = header_of(files)
    requirements = files["requirements.txt"].decode()
    gradio = pinned(our_requirements(), "gradio")
    header_problems = [] if header.get("sdk_version") == gradio else [f"sdk_version is not {gradio}"]
    if hardware == "zerogpu" and header.get("python_version") not in (f'"{v}"' for v in ZEROGPU_PYTHON):
        header_problems.append(f"python_version must be one of {ZEROGPU_PYTHON}, quoted")
    torch, vision = pinned(requirements, "torch"), pinned(requirements, "torchvision")
    install_problems = []
    if hardware == "zerogpu":
        if ZEROGPU_TORCH.get(torch) != vision:
            install_problems.append(f"torch {torch} / torchvision {vision} is not a pair ZeroGPU builds "
                                    f"({ZEROGPU_TORCH}, read {ZEROGPU_READ})")
        if re.search(r"^spaces\b", requirements, re.M):
            install_problems.append("spaces is preinstalled on ZeroGPU and must not be pinned")
    elif CPU_WHEELS not in requirements:
        install_problems.append("CPU hardware needs PyTorch's CPU wheels, or the image carries GBs of CUDA")
    if re.search(r"^gradio\b", requirements, re.M):
        install_problems.append("gradio comes from the header's sdk_version; requirements must not pin another")
    return [
        stored_through_lfs(files),
        Rule(f"the README header fits {hardware}", not header_problems, "; ".join(header_problems) or
             f"sdk_version {header.get('sdk_version')}, python_version {header.get('python_version')}"),
        Rule(f"the requirements install on {hardware}", not install_problems, "; ".join(install_problems) or
             f"torch {torch}, torchvision {vision}"),
        no_strays(files),
    ]


def check_static(files: dict[str, bytes]) -> list[Rule]:
    """A verdict on each rule a static Space imposes: its files are served as they are, so the page it opens
    must be there and nothing may need a server."""
    header = header_of(files)
    page = header.get("app_file")
    header_ok = header.get("sdk") == STATIC and page in files and "sdk_version" not in header
    servers = [p for p in files if p.endswith(".py") or p == "requirements.txt"]
    return [
        stored_through_lfs(files),
        Rule("the README header is a static Space's", header_ok,
             f"sdk {header.get('sdk')}, app_file {page}" + ("" if page in files else " (not among the files)")),
        Rule("nothing needs a server", not servers, f"these do: {servers}" if servers else "no Python, no requirements"),
        no_strays(files),
    ]


def publish(repo: str, files: dict[str, bytes], hardware: str, private: bool) -> str:
    """Create the Space if needed and upload the files in one commit; its URL. `hardware`: STATIC for a static Space."""
    from huggingface_hub import HfApi, get_token
    from huggingface_hub.errors import HfHubHTTPError

    token = get_token()
    if not token:
        raise DeployError("No Hugging Face token: run `hf auth login` (or set HF_TOKEN) with a token that may "
                          "write, then run this again. Nothing was published.")
    api = HfApi(token=token)
    try:
        api.create_repo(repo, repo_type="space", space_sdk=STATIC if hardware == STATIC else "gradio",
                        space_hardware=HARDWARE.get(hardware), private=private, exist_ok=True)
    except HfHubHTTPError as err:
        status = getattr(err.response, "status_code", None)
        why = {401: "the token was refused", 403: f"this token may not create Spaces under {repo.split('/')[0]}",
               409: f"{repo} is taken by a repository this token cannot write to"}.get(status, str(err))
        raise DeployError(f"Could not create the Space {repo}: {why}. Nothing was published.") from None
    with tempfile.TemporaryDirectory() as folder:
        for path, data in files.items():
            (Path(folder) / path).parent.mkdir(parents=True, exist_ok=True)
            (Path(folder) / path).write_bytes(data)
        try:
            api.upload_folder(repo_id=repo, repo_type="space", folder_path=folder,
                              commit_message="genlab: publish the app")
        except (HfHubHTTPError, OSError) as err:
            raise DeployError(f"The Space {repo} exists, but the upload failed ({err}); it holds what it held "
                              "before. Run this again to publish.") from None
    return f"https://huggingface.co/spaces/{repo}"


def static_site(train_at: str | None) -> dict[str, bytes]:
    """The static site's files, built from the app on the committed checkpoints (as `python -m genlab site`)."""
    from app import build_app
    from ui.site import build_site

    return build_site(build_app(), train_at).files


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m genlab deploy", description=__doc__.split("\n\n")[0],
                                     epilog=WHO_MAY, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo", help="OWNER/NAME of the Space")
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--hardware", choices=list(HARDWARE), default="zerogpu", help="a Gradio Space on this hardware")
    how.add_argument("--static", action="store_true", help="a static Space: the static site, free for everyone")
    parser.add_argument("--train-at", metavar="OWNER/NAME", help="with --static: the Space with the whole lab, "
                        "where the static site's Train tab sends visitors")
    parser.add_argument("--private", action="store_true")
    parser.add_argument("--dry-run", action="store_true", help="print what would go up and check it; no network")
    args = parser.parse_args(argv)
    for name in filter(None, (args.repo, args.train_at)):
        if not re.fullmatch(r"[\w.-]+/[\w.-]+", name):
            sys.exit(f"A Space is named OWNER/NAME (letters, digits, '-', '_', '.'); got {name!r}.")
    kind = STATIC if args.static else args.hardware
    files = static_upload_set(static_site(args.train_at)) if args.static else upload_set(kind)
    rules = check_static(files) if args.static else check(files, kind)
    print(f"Space {args.repo}, {'static' if args.static else f'on {kind} ({HARDWARE[kind]})'}, "
          f"{'private' if args.private else 'public'}\n\nFiles ({len(files)}, "
          f"{sum(map(len, files.values())) / 2**20:.1f} MiB in all):")
    for path, data in sorted(files.items()):
        print(f"  {len(data):>12,}  {path}{'  (LFS)' if in_lfs(path) else ''}")
    print("\nREADME header:\n" + files["README.md"].decode().split("---\n")[1])
    if not args.static:
        print("requirements.txt:\n" + requirements_for(kind))
    print("Rules:")
    for rule in rules:
        print(f"  {'ok  ' if rule.ok else 'FAIL'}  {rule.name}: {rule.detail}")
    if not all(rule.ok for rule in rules):
        sys.exit("Not published: a rule above fails.")
    if args.dry_run:
        print("\nDry run: nothing was published.")
        return
    try:
        print(f"\nPublished: {publish(args.repo, files, kind, args.private)}")
    except DeployError as err:
        sys.exit(str(err))
