"""Many visitors at once: concurrent gradio_client users cycling through a slider move, a GAN grid,
a classification of their own digit and a short text."""
import threading
import time
from typing import Callable

import numpy as np
from gradio_client import Client, handle_file

from genlab.explorer import SLIDERS


def load_test(client_factory: Callable[[], Client], users: int, seconds: float,
              digit_pngs: list[str]) -> tuple[dict[str, list[float]], list[str]]:
    """`users` concurrent clients for `seconds`; latencies (ms) per endpoint and the errors met."""
    latencies: dict[str, list[float]] = {"decode": [], "sample": [], "classify": [], "generate": []}
    errors = []
    stop_at = time.perf_counter() + seconds

    def user(index: int) -> None:
        client = client_factory()
        rng = np.random.default_rng(index)
        calls = {
            "decode": lambda: client.predict(model="vae", api_name="/decode",
                                             **{f"z{i + 1}": v for i, v in
                                                enumerate(rng.uniform(-3, 3, SLIDERS).round(2).tolist())}),
            "sample": lambda: client.predict(model="dcgan", seed=int(rng.integers(1e6)), count=16, truncation=1.0,
                                             digit="any", api_name="/sample"),
            "classify": lambda: client.predict(image=handle_file(digit_pngs[index % len(digit_pngs)]), model="cnn",
                                               api_name="/classify"),
            "generate": lambda: client.predict(prompt="ROMEO:", model="lstm", temperature=0.8, top_k=0, top_p=1.0,
                                               length=40, seed=int(rng.integers(1e6)), greedy=False,
                                               api_name="/generate"),
        }
        while time.perf_counter() < stop_at:
            for name, call in calls.items():
                start = time.perf_counter()
                try:
                    call()
                    latencies[name].append((time.perf_counter() - start) * 1000)
                except Exception as err:  # counted and reported: the load test wants zero
                    errors.append(f"{name}: {err}")
        client.close()

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors
