"""In-process sliding-window limiter: the app's own flood check per client.

API Gateway's usage plan and the WAF rate-based rule (CDK) bound the whole API; this
check keeps one client from flooding a warm function between those limits, and costs
no I/O on the intake path.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from chalicelib.core.errors import DomainError


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"


class SlidingWindow:
    def __init__(self, limit: int, window_s: float, max_clients: int = 10_000) -> None:
        self.limit, self.window_s, self.max_clients = limit, window_s, max_clients
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault(client, deque())
            while hits and now - hits[0] > self.window_s:
                hits.popleft()
            if len(hits) >= self.limit:
                retry = int(self.window_s - (now - hits[0])) + 1
                raise RateLimited(f"too many requests; retry in {retry} s", details={"retry_after_s": retry})
            hits.append(now)
            if len(self._hits) > self.max_clients:
                # Bounded memory under a spray of addresses: forget the idlest clients.
                for key in sorted(self._hits, key=lambda k: self._hits[k][-1] if self._hits[k] else 0)[:1000]:
                    del self._hits[key]
