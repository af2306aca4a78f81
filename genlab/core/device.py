"""Pick the compute device once: CUDA, then Apple MPS, then CPU, unless GENLAB_DEVICE says otherwise.
On a Hugging Face ZeroGPU Space the server's processes have no GPU of their own: there the models
run on the CPU, and only a training run borrows a GPU (genlab.serve.runs.gpu.train_on_gpu picks it there)."""
import os

import torch


def on_zerogpu() -> bool:
    """Whether this is a ZeroGPU Space. Its `spaces` package patches torch.cuda.is_available() to
    answer True in the server process, where starting CUDA raises: so this asks the environment
    variable the Space sets (read as `spaces` reads it), never torch."""
    return os.environ.get("SPACES_ZERO_GPU", "").lower() in ("1", "t", "true")


def pick_device() -> torch.device:
    """The device named by GENLAB_DEVICE (cpu, cuda, cuda:1, mps), else the best one present; on
    ZeroGPU, the CPU."""
    wanted = os.environ.get("GENLAB_DEVICE", "").strip().lower()
    if wanted:
        device = torch.device(wanted)
        if device.type == "cuda" and on_zerogpu():
            raise RuntimeError(f"GENLAB_DEVICE={wanted} on ZeroGPU: the server has no GPU; training borrows one")
        if device.type == "cuda" and not torch.cuda.is_available():
            raise RuntimeError(f"GENLAB_DEVICE={wanted} but CUDA is not available here")
        if device.type == "mps" and not torch.backends.mps.is_available():
            raise RuntimeError(f"GENLAB_DEVICE={wanted} but Apple MPS is not available here")
        return device
    if on_zerogpu():
        return torch.device("cpu")
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def describe(device: torch.device) -> str:
    """One line for the UI and the benchmark table: what runs the models and with how many threads."""
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
    elif device.type == "mps":
        name = "Apple MPS"
    else:
        name = "CPU"
    return f"{device.type} ({name}), {torch.get_num_threads()} CPU threads, torch {torch.__version__}"


def autocast(device: torch.device, enabled: bool = True) -> torch.autocast:
    """Mixed precision for training, where a loop's settings ask for it: bf16 on CPU and CUDA, off on
    MPS. Whether it pays depends on the machine and the model: bench it before turning it on."""
    dtype = torch.bfloat16 if device.type in ("cpu", "cuda") else torch.float16
    return torch.autocast(device_type=device.type, dtype=dtype, enabled=enabled and device.type != "mps")
