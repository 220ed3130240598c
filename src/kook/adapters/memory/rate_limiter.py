"""Sliding-window rate limits in process memory: the embedded default (one process)."""

from __future__ import annotations

import asyncio
from collections import deque

from kook.application.identity.ports import RateLimiter
from kook.application.shared.ports import Clock


class MemoryRateLimiter(RateLimiter):
    def __init__(self, clock: Clock, max_keys: int = 100_000) -> None:
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = asyncio.Lock()
        self._max_keys = max_keys

    async def hit(self, key: str, *, limit: int, window_seconds: int) -> int | None:
        now = self._clock.now().timestamp()
        async with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - window_seconds:
                hits.popleft()
            if len(hits) >= limit:
                return max(1, int(hits[0] + window_seconds - now + 0.999))
            hits.append(now)
            if len(self._hits) > self._max_keys:
                self._evict(now, window_seconds)
            return None

    def _evict(self, now: float, window_seconds: int) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - window_seconds]:
            del self._hits[key]
