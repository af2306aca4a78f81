"""Publishing the lab as a Hugging Face Space: a newcomer's dry run shows what would go up and checks
every rule the Hub and the hardware impose, for ZeroGPU and for CPU; a rule that fails stops the
upload; a missing token is said plainly, before anything is sent."""
import subprocess
import sys

import pytest

from genlab.commands import deploy
from tests.helpers import ROOT


def dry_run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "genlab", "deploy", "you/genlab", "--dry-run", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_a_dry_run_for_zerogpu_lists_the_upload_and_every_rule_is_ok():
    shown = dry_run()
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "checkpoints/lstm.safetensors  (LFS)" in out and "app.py" in out and "tests/" not in out
    assert "ui/web/vendor/onnxruntime-web/ort-wasm-simd-threaded.wasm  (LFS)" in out, "the page's runtime goes up"
    assert "ui/web/vendor/onnxruntime-web/LICENSE" in out
    assert 'python_version: "3.12"' in out and "suggested_hardware: zero-a10g" in out
    assert "torch==2.9.1\ntorchvision==0.24.1" in out and "spaces" not in out.split("requirements.txt:")[1]
    assert out.count("  ok    ") == 4 and "FAIL" not in out and "nothing was published" in out


def test_a_dry_run_for_a_cpu_space_installs_pytorchs_cpu_wheels():
    shown = dry_run("--hardware", "cpu-basic")
    assert shown.returncode == 0, shown.stderr
    assert deploy.CPU_WHEELS in shown.stdout and "torch==2.14.1" in shown.stdout
    assert 'python_version: "3.11"' in shown.stdout and shown.stdout.count("  ok    ") == 4


def test_a_binary_outside_the_lfs_patterns_or_a_wrong_torch_fails_its_rule():
    files = deploy.upload_set("zerogpu")
    files["checkpoints/old_model.pkl"] = b"\x80\x04\x95" + bytes(100)  # a pickle: binary, and not under LFS
    files["requirements.txt"] = b"torch==2.14.1\ntorchvision==0.29.1\nspaces\n"
    verdicts = {rule.name: rule for rule in deploy.check(files, "zerogpu")}
    assert not verdicts["binaries are stored through LFS/Xet"].ok
    assert "old_model.pkl" in verdicts["binaries are stored through LFS/Xet"].detail
    install = verdicts["the requirements install on zerogpu"]
    assert not install.ok and "is not a pair ZeroGPU builds" in install.detail and "must not be pinned" in install.detail


def test_publishing_without_a_token_says_so_and_sends_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path))  # no stored login either
    with pytest.raises(SystemExit, match="No Hugging Face token: run `hf auth login`"):
        deploy.main(["you/genlab"])


def test_a_space_name_must_be_owner_slash_name():
    with pytest.raises(SystemExit, match="OWNER/NAME"):
        deploy.main(["genlab", "--dry-run"])


def test_a_static_space_opens_its_page_and_needs_no_server():
    site = {"index.html": b"<!doctype html>", "genlab/models/decoder.onnx": b"\x08\x07" + bytes(64),
            "genlab/web/vendor/katex/fonts/KaTeX_Main-Regular.woff2": b"wOF2" + bytes(64)}
    files = deploy.static_upload_set(site)
    header = deploy.header_of(files)
    assert header["sdk"] == "static" and header["app_file"] == "index.html" and "python_version" not in header
    assert all(rule.ok for rule in deploy.check_static(files)), deploy.check_static(files)

    files["app.py"] = b"import gradio"
    del files["index.html"]
    verdicts = {rule.name: rule for rule in deploy.check_static(files)}
    assert not verdicts["nothing needs a server"].ok and "app.py" in verdicts["nothing needs a server"].detail
    assert not verdicts["the README header is a static Space's"].ok


def test_the_help_says_who_may_host_which_way(capsys):
    with pytest.raises(SystemExit):
        deploy.main(["--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "--static anyone, a free account included" in shown
    assert "a free account may host 2 ZeroGPU Spaces" in shown and "a PRO, Team or Enterprise plan" in shown
