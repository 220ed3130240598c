"""Claims of the schedulers' periodic jobs in Redis: any number of schedulers run, each job is enqueued once per
period.

A scheduler whose job is due claims the job's period: ``SET kook:scheduler:claim:<actor> <owner> NX PX <period>``.
Only the scheduler that set the key enqueues; the key expires when the period ends, and the first scheduler to
find the job due after that claims the next one. A claim its owner could not act on (the enqueue failed, or it
was asked to stop between claiming and enqueueing) is released — deleted only if the owner still holds it — so
another scheduler takes the period at once instead of when it expires.
"""

from __future__ import annotations

import secrets

from redis.asyncio import Redis

PREFIX = "kook:scheduler:claim:"

# delete the key only if this owner still holds it (not a claim another scheduler made after ours expired)
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class RedisSchedulerClaims:
    def __init__(self, redis: Redis, owner: str | None = None) -> None:
        self._redis = redis
        self.owner = owner or secrets.token_hex(8)

    async def claim(self, actor: str, period_seconds: float) -> bool:
        """True when this scheduler now holds ``actor``'s current period (and must enqueue it)."""
        taken = await self._redis.set(PREFIX + actor, self.owner, nx=True, px=max(1, int(period_seconds * 1000)))
        return bool(taken)

    async def release(self, actor: str) -> bool:
        released = await self._redis.eval(_RELEASE, 1, PREFIX + actor, self.owner)
        return bool(released)
