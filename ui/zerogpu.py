"""Hugging Face ZeroGPU: a GPU lent per call, out of each visitor's daily quota."""
import os

GPU_SECONDS = 60  # the most a handler borrows a ZeroGPU GPU for (ZeroGPU's default duration)


def on_gpu(handler):
    """The handler as a ZeroGPU function on a ZeroGPU Space (SPACES_ZERO_GPU set and the `spaces`
    package installed): each call borrows the GPU for at most GPU_SECONDS. Everywhere else, the
    handler itself. Training runs are separate processes and stay on the Space's CPU there."""
    if not os.environ.get("SPACES_ZERO_GPU"):
        return handler
    try:
        import spaces
    except ImportError:
        return handler
    return spaces.GPU(duration=GPU_SECONDS)(handler)
