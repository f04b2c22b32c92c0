"""A sliding-window rate limiter in memory, for forms anyone may send (the submission form).

``rate_limit(key, limit, window)`` records one hit for ``key`` and says whether it is within
``limit`` hits per ``window`` seconds. It counts per server process: ``factfinder serve`` runs one.
Failed logins are limited separately, in the database (see ``auth_users.login``), so that limit
holds across processes and restarts.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

MAX_KEYS = 100_000  # beyond this, keys whose hits have all left their window are dropped


class RateLimiter:
    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self._clock = clock or time.monotonic
        self._hits: dict[str, tuple[float, deque[float]]] = {}
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._clock()

    def hit(self, key: str, limit: int, window: float) -> bool:
        """Record a hit; False (and not recorded) when ``limit`` hits are already in the
        window."""
        t = self.now()
        with self._lock:
            entry = self._hits.get(key)
            hits = entry[1] if entry else deque()
            while hits and hits[0] <= t - window:
                hits.popleft()
            if len(hits) >= limit:
                self._hits[key] = (window, hits)
                return False
            hits.append(t)
            self._hits[key] = (window, hits)
            if len(self._hits) > MAX_KEYS:
                self._prune(t)
            return True

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` has room again (0 when it has)."""
        t = self.now()
        with self._lock:
            entry = self._hits.get(key)
            if not entry or not entry[1]:
                return 0.0
            window, hits = entry
            return max(0.0, hits[0] + window - t)

    def reset(self, key: str | None = None) -> None:
        with self._lock:
            if key is None:
                self._hits.clear()
            else:
                self._hits.pop(key, None)

    def _prune(self, t: float) -> None:
        for key in [k for k, (w, h) in self._hits.items() if not h or h[-1] <= t - w]:
            del self._hits[key]
        while len(self._hits) > MAX_KEYS:  # still full: forget the oldest keys
            del self._hits[next(iter(self._hits))]


limiter = RateLimiter()


def rate_limit(key: str, limit: int, window: float) -> bool:
    """True when this hit is within ``limit`` per ``window`` seconds for ``key`` (and counts it);
    False when the caller should refuse (HTTP 429). Keys are free text: name the form and the
    client, e.g. ``f"submit:{client_address(request)}"``."""
    return limiter.hit(key, limit, window)
