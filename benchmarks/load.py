"""Many visitors at once: concurrent gradio_client users cycling through a slider move, a GAN grid,
a classification of their own digit and a short text."""
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from gradio_client import Client, handle_file

from genlab.inference.explorer import SLIDERS
from genlab.serve.fairness import REFUSED


@dataclass
class Outcomes:
    """What a load test's calls met: latencies (ms) of the served ones by endpoint, the refusals of the
    fairness policy, and the failures (anything else: the load test wants none)."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    refusals: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def record(self, endpoint: str, call: Callable[[], object]) -> None:
        start = time.perf_counter()
        try:
            call()
            self.latencies.setdefault(endpoint, []).append((time.perf_counter() - start) * 1000)
        except Exception as err:  # sorted into refusals and failures, and reported
            (self.refusals if REFUSED in str(err) else self.failures).append(f"{endpoint}: {err}")


def load_test(client_factory: Callable[[], Client], users: int, seconds: float, digit_pngs: list[str]) -> Outcomes:
    """`users` concurrent clients for `seconds`, each cycling through the four calls."""
    outcomes = Outcomes({name: [] for name in ("decode", "sample", "classify", "generate")})
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
                outcomes.record(name, call)
        client.close()

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def flood(src: str, png: str, seconds: float, threads: int, report) -> None:
    """Another client calling /classify as fast as it can from `threads` threads for `seconds`; the
    counts of served, refused and failed calls go to `report` (a multiprocessing queue). Run in a
    process of its own at the lowest priority: an attacker's CPU is theirs, not the server's, and on
    one machine a client spinning beside the server would measure the machine, not the server."""
    os.nice(19)
    client, outcomes = Client(src, verbose=False), Outcomes()
    stop_at = time.perf_counter() + seconds

    def caller() -> None:
        while time.perf_counter() < stop_at:
            outcomes.record("classify", lambda: client.predict(image=handle_file(png), model="cnn",
                                                               api_name="/classify"))

    callers = [threading.Thread(target=caller) for _ in range(threads)]
    for thread in callers:
        thread.start()
    for thread in callers:
        thread.join()
    client.close()
    report.put((len(outcomes.latencies.get("classify", [])), len(outcomes.refusals), outcomes.failures[:3]))
