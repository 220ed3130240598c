"""Sliding-window rate limits in Redis, shared by every web process."""

from __future__ import annotations

import secrets

from redis.asyncio import Redis

from kook.application.identity.ports import RateLimiter
from kook.application.shared.ports import Clock

# KEYS[1] the window's sorted set; ARGV: now_ms, window_ms, limit, member
_HIT = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return tonumber(oldest[2]) + window - now
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, window)
return -1
"""


class RedisRateLimiter(RateLimiter):
    def __init__(self, redis: Redis, clock: Clock, prefix: str = "kook:rl:") -> None:
        self._redis = redis
        self._clock = clock
        self._prefix = prefix
        self._script = redis.register_script(_HIT)

    async def hit(self, key: str, *, limit: int, window_seconds: int) -> int | None:
        now_ms = int(self._clock.now().timestamp() * 1000)
        member = f"{now_ms}:{secrets.token_hex(4)}"
        wait_ms = int(
            await self._script(keys=[self._prefix + key], args=[now_ms, window_seconds * 1000, limit, member])
        )
        if wait_ms < 0:
            return None
        return max(1, (wait_ms + 999) // 1000)
