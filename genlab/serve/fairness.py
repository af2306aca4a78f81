"""Fair shares of a shared server. A visitor (one browser tab, or one API client) may have a few
calls waiting or running at once, a network address a few more (several tabs, a classroom behind
one router), and the endpoints that cost real work may be called in bursts but not sustained past a
rate. Past any of these a call is refused at once, before it takes a place in the queue, with a
message that says when to try again. Knows nothing of Gradio: ui/gradio_internals.py asks it
whenever a call would join the queue."""
import math
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

# Endpoints whose calls each cost tens of milliseconds to seconds of the server's CPU. A slider move
# (/decode) costs about as little as the queue itself and is bounded by the calls in flight alone.
EXPENSIVE = frozenset({
    "classify", "encode", "interpolate", "sample", "new_seed", "every_digit", "interpolate_seeds", "generate",
    "look_inside", "walk_lines", "rebuild_line", "prior_lines", "new_lines_seed", "sample_text_gan",
    "new_text_gan_seed", "upload_checkpoint",
})
REFUSED = "this shared server"  # in every refusal's message: how a client tells a refusal from a failure
BUCKETS_KEPT = 10_000  # visitors whose spent calls are remembered; a forgotten one starts with a full burst


@dataclass
class Bucket:
    tokens: float
    at: float  # when `tokens` was counted


@dataclass
class Fairness:
    per_visitor: int = 6  # calls waiting or running at once
    per_address: int = 32
    burst: int = 30  # expensive calls a visitor may make at once...
    per_second: float = 3.0  # ...and how fast that allowance refills
    buckets: OrderedDict[str, Bucket] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refuse(self, visitor: str, address: str, endpoint: str | None, visitor_calls: int, address_calls: int,
               now: float | None = None) -> str:
        """'' to let a call join the queue; else why not and when to try again. `visitor_calls` and
        `address_calls` are the calls already waiting or running for this visitor and address."""
        if visitor_calls >= self.per_visitor:
            return (f"You already have {visitor_calls} calls waiting or running on {REFUSED} (the most "
                    f"one visitor may have): wait for one of them to finish, then try again.")
        if address_calls >= self.per_address:
            return (f"Your network already has {address_calls} calls waiting or running on {REFUSED} "
                    "(the most one address may have): try again in a few seconds.")
        if endpoint not in EXPENSIVE:
            return ""
        wait = self.spend(visitor, time.monotonic() if now is None else now)
        if wait:
            return (f"You are calling /{endpoint} and the like faster than {REFUSED} allows "
                    f"({self.burst} at once, then {self.per_second:g} a second): try again in {wait:.1f} s.")
        return ""

    def spend(self, visitor: str, now: float) -> float:
        """Take one expensive call from the visitor's allowance: 0 if there was one, else the seconds
        until there is."""
        with self.lock:
            bucket = self.buckets.pop(visitor, None) or Bucket(float(self.burst), now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.per_second)
            bucket.at = now
            self.buckets[visitor] = bucket  # the most recently seen last
            while len(self.buckets) > BUCKETS_KEPT:
                self.buckets.popitem(last=False)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return max(0.1, math.ceil((1 - bucket.tokens) / self.per_second * 10) / 10)

    @classmethod
    def from_environment(cls) -> "Fairness":
        """The policy `python app.py` runs with: GENLAB_RATE, if set, is the expensive calls a second one
        visitor may make (the latency benchmarks raise it, so that they time the app, not the policy)."""
        rate = float(os.environ.get("GENLAB_RATE", cls.per_second))
        return cls(per_second=rate, burst=max(cls.burst, int(10 * rate)))
