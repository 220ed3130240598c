"""Per-route rate, concurrency cap and circuit breaker in Redis, shared by every
worker process of every machine (SPEC §8; contract in
``kook.application.fulfilment.limits``).

Keys per operator (``kook:route:{operator}:...``), each with a TTL:

* ``leases`` — sorted set of slot tokens, score = lease expiry (ms); expired
  members are dropped by the scripts, so a dead holder's slot comes back;
* ``starts`` — sorted set of call starts (ms): at most
  ``rate_limit_per_second`` in any one-second window (a sliding log: strict,
  unlike a bucket that lets two bursts meet at a second's edge);
* ``fails`` — consecutive unhealthy releases (expires after a day without one);
* ``open`` — the time (ms) the breaker opened until; present while open and
  half-open (expires a day after the period ends: an idle breaker closes);
* ``probe`` — the half-open probe's token, ``SET NX`` with the lease as expiry;
* ``conf`` — the breaker settings of the latest acquire (``release`` does not
  carry the route).

Every acquire attempt and every release is one Lua script, one round trip; the
batch forms (``acquire_up_to``: as many slots as are free, up to n; ``release_many``:
one script per operator, pipelined) serve ``PooledRouteLimiter``, which puts a
process's many waiters behind one caller per operator. The scripts read the
Redis server's ``TIME`` so all processes agree on the time
(Redis ≥ 5 replicates script effects, so calling ``TIME`` before writes is
allowed). ``acquire`` retries with short sleeps, or sleeps until the next rate
token when the script can tell, until ``wait_seconds`` (local clock) pass.
"""

from __future__ import annotations

import asyncio
import random
import secrets
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis

from kook.adapters.pooled_route_limiter import KEPT, Granted, Verdict
from kook.application.fulfilment.limits import lease_seconds
from kook.application.fulfilment.ports import RouteLimiter, Slot
from kook.application.shared.ports import Clock
from kook.domain.routing.operator import Operator
from kook.domain.routing.operator_routing import Route

_NAMES = ("leases", "starts", "fails", "open", "probe", "conf")

# Answers {status, wait_ms}: status 1 granted, 2 granted as the half-open probe,
# 0 busy (wait_ms: until the next rate token, or -1 when unknown), -1 breaker open.
# KEYS: leases, starts, fails, open, probe, conf
# ARGV: token, max_concurrency, rate_per_second, lease_ms, threshold, reset_ms
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local token = ARGV[1]
local cap = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local lease = tonumber(ARGV[4])
redis.call('HSET', KEYS[6], 'threshold', ARGV[5], 'reset_ms', ARGV[6])
redis.call('PEXPIRE', KEYS[6], 86400000)
local open_until = tonumber(redis.call('GET', KEYS[4]) or '0')
local half_open = false
if open_until > 0 then
  if now < open_until then
    return {-1, open_until - now}
  end
  if redis.call('EXISTS', KEYS[5]) == 1 then
    return {-1, -1}
  end
  half_open = true
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= cap then
  return {0, -1}
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 1000)
if redis.call('ZCARD', KEYS[2]) >= rate then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {0, tonumber(first[2]) + 1000 - now}
end
if half_open then
  if not redis.call('SET', KEYS[5], token, 'NX', 'PX', lease) then
    return {-1, -1}
  end
end
redis.call('ZADD', KEYS[1], now + lease, token)
if redis.call('PTTL', KEYS[1]) < lease then
  redis.call('PEXPIRE', KEYS[1], lease)
end
redis.call('ZADD', KEYS[2], now, token)
redis.call('PEXPIRE', KEYS[2], 1000)
if half_open then
  return {2, 0}
end
return {1, 0}
"""

# KEYS: leases, starts, fails, open, probe, conf
# ARGV: token, healthy (1/0), probe (1/0)
_RELEASE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local token = ARGV[1]
local healthy = ARGV[2] == '1'
redis.call('ZREM', KEYS[1], token)
local conf = redis.call('HMGET', KEYS[6], 'threshold', 'reset_ms')
local threshold = tonumber(conf[1])
local reset = tonumber(conf[2])
if not threshold or not reset then
  return 0
end
if ARGV[3] == '1' then
  if redis.call('GET', KEYS[5]) == token then
    redis.call('DEL', KEYS[5], KEYS[3])
    if healthy then
      redis.call('DEL', KEYS[4])
    else
      redis.call('SET', KEYS[4], now + reset, 'PX', reset + 86400000)
    end
  end
  return 0
end
if redis.call('EXISTS', KEYS[4]) == 1 then
  return 0
end
if healthy then
  redis.call('DEL', KEYS[3])
  return 0
end
local failures = redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], 86400000)
if failures >= threshold then
  redis.call('DEL', KEYS[3])
  redis.call('SET', KEYS[4], now + reset, 'PX', reset + 86400000)
  return 1
end
return 0
"""

# Answers {status, count, wait_ms}: status 1 with count slots granted (tokens ARGV[1] .. ':' .. i, i = 1..count;
# count 0: busy, wait_ms until the next rate token or -1), 2 one slot granted as the half-open probe,
# -1 breaker open (or half-open with its probe out).
# KEYS: leases, starts, fails, open, probe, conf
# ARGV: token prefix, max_concurrency, rate_per_second, lease_ms, threshold, reset_ms, n
_ACQUIRE_MANY = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local prefix = ARGV[1]
local cap = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local lease = tonumber(ARGV[4])
local n = tonumber(ARGV[7])
redis.call('HSET', KEYS[6], 'threshold', ARGV[5], 'reset_ms', ARGV[6])
redis.call('PEXPIRE', KEYS[6], 86400000)
local open_until = tonumber(redis.call('GET', KEYS[4]) or '0')
local half_open = false
if open_until > 0 then
  if now < open_until then
    return {-1, 0, open_until - now}
  end
  if redis.call('EXISTS', KEYS[5]) == 1 then
    return {-1, 0, -1}
  end
  half_open = true
  n = 1
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local free = cap - redis.call('ZCARD', KEYS[1])
if free <= 0 then
  return {0, 0, -1}
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 1000)
local tokens = rate - redis.call('ZCARD', KEYS[2])
if tokens <= 0 then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {0, 0, tonumber(first[2]) + 1000 - now}
end
local count = math.min(n, free, tokens)
if half_open then
  if not redis.call('SET', KEYS[5], prefix .. ':1', 'NX', 'PX', lease) then
    return {-1, 0, -1}
  end
end
local leases = {}
local starts = {}
for i = 1, count do
  local token = prefix .. ':' .. i
  leases[2 * i - 1] = now + lease
  leases[2 * i] = token
  starts[2 * i - 1] = now
  starts[2 * i] = token
end
redis.call('ZADD', KEYS[1], unpack(leases))
if redis.call('PTTL', KEYS[1]) < lease then
  redis.call('PEXPIRE', KEYS[1], lease)
end
redis.call('ZADD', KEYS[2], unpack(starts))
redis.call('PEXPIRE', KEYS[2], 1000)
if half_open then
  return {2, 1, 0}
end
return {1, count, 0}
"""

# The releases of one operator, in order; each as ``_RELEASE``. healthy '2': handed back unused (no verdict:
# the lease goes, a probe's claim goes so another call may probe, the breaker does not move). healthy '3': the
# slot was KEPT — a healthy call ended and the process handed the slot straight to its next call: the lease
# stays, the healthy verdict counts, and the next call's start counts against the rate.
# KEYS: leases, starts, fails, open, probe, conf
# ARGV: token_1, healthy_1 (1/0/2), probe_1 (1/0), token_2, ...
_RELEASE_MANY = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local conf = redis.call('HMGET', KEYS[6], 'threshold', 'reset_ms')
local threshold = tonumber(conf[1])
local reset = tonumber(conf[2])
local opened = 0
for i = 1, #ARGV, 3 do
  local token = ARGV[i]
  local verdict = ARGV[i + 1]
  local healthy = verdict == '1'
  local probe = ARGV[i + 2] == '1'
  if verdict == '3' then
    redis.call('ZADD', KEYS[2], now, token .. '/' .. i .. '/' .. t[2])
    redis.call('PEXPIRE', KEYS[2], 1000)
    healthy = true
  else
    redis.call('ZREM', KEYS[1], token)
  end
  if verdict == '2' then
    if probe and redis.call('GET', KEYS[5]) == token then
      redis.call('DEL', KEYS[5])
    end
  elseif threshold and reset then
    if probe then
      if redis.call('GET', KEYS[5]) == token then
        redis.call('DEL', KEYS[5], KEYS[3])
        if healthy then
          redis.call('DEL', KEYS[4])
        else
          redis.call('SET', KEYS[4], now + reset, 'PX', reset + 86400000)
        end
      end
    elseif redis.call('EXISTS', KEYS[4]) == 0 then
      if healthy then
        redis.call('DEL', KEYS[3])
      else
        local failures = redis.call('INCR', KEYS[3])
        redis.call('PEXPIRE', KEYS[3], 86400000)
        if failures >= threshold then
          redis.call('DEL', KEYS[3])
          redis.call('SET', KEYS[4], now + reset, 'PX', reset + 86400000)
          opened = 1
        end
      end
    end
  end
end
return opened
"""

# KEYS: open_1, probe_1, open_2, probe_2, ...; ARGV: the operators in the same order.
_OPEN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local result = {}
for i = 1, #ARGV do
  local open_until = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
  if open_until > 0 and (now < open_until or redis.call('EXISTS', KEYS[2 * i]) == 1) then
    table.insert(result, tonumber(ARGV[i]))
  end
end
return result
"""


class RedisRouteLimiter(RouteLimiter):
    def __init__(
        self, redis: Redis, clock: Clock, *, prefix: str = "kook:route:", lease_seconds: float | None = None
    ) -> None:
        self._redis = redis
        self._clock = clock
        self._prefix = prefix
        self._lease_override = lease_seconds
        self._acquire = redis.register_script(_ACQUIRE)
        self._release = redis.register_script(_RELEASE)
        self._open = redis.register_script(_OPEN)
        self._acquire_many = redis.register_script(_ACQUIRE_MANY)
        self._release_many = redis.register_script(_RELEASE_MANY)

    async def acquire(self, route: Route, *, wait_seconds: float) -> Slot | None:
        operator = int(route.operator)
        lease = self._lease_override if self._lease_override is not None else lease_seconds(route)
        keys = self._keys(operator)
        token = secrets.token_hex(12)
        args: list[Any] = [
            token,
            route.max_concurrency,
            route.rate_limit_per_second,
            max(1, int(lease * 1000)),
            route.breaker_failure_threshold,
            route.breaker_reset_seconds * 1000,
        ]
        deadline = self._now() + max(0.0, wait_seconds)
        while True:
            status, wait_ms = (int(v) for v in await self._acquire(keys=keys, args=args))
            if status > 0:
                return Slot(operator=operator, token=token, probe=status == 2)
            if status < 0:
                return None
            remaining = deadline - self._now()
            if remaining <= 0:
                return None
            # the time until the next rate token when the script knows it, else a short jittered retry
            pause = wait_ms / 1000 + random.uniform(0.0, 0.002) if wait_ms >= 0 else random.uniform(0.002, 0.01)
            await asyncio.sleep(min(pause, remaining))

    async def release(self, slot: Slot, *, healthy: bool) -> None:
        await self._release(
            keys=self._keys(slot.operator), args=[slot.token, 1 if healthy else 0, 1 if slot.probe else 0]
        )

    async def acquire_up_to(self, route: Route, n: int, *, releasing: Sequence[tuple[Slot, Verdict]] = ()) -> Granted:
        """As many slots as are free now, up to ``n``, never waiting; ``releasing`` is given back first (as
        ``release_many``), all in one round trip."""
        operator = int(route.operator)
        lease = self._lease_override if self._lease_override is not None else lease_seconds(route)
        prefix = secrets.token_hex(12)
        args: list[Any] = [
            prefix,
            route.max_concurrency,
            route.rate_limit_per_second,
            max(1, int(lease * 1000)),
            route.breaker_failure_threshold,
            route.breaker_reset_seconds * 1000,
            max(1, n),
        ]
        if releasing:
            async with self._redis.pipeline(transaction=False) as pipe:
                await self._queue_releases(pipe, releasing)
                await self._acquire_many(keys=self._keys(operator), args=args, client=pipe)
                answer = (await pipe.execute())[-1]
        else:
            answer = await self._acquire_many(keys=self._keys(operator), args=args)
        status, count, wait_ms = (int(v) for v in answer)
        if status < 0:
            return Granted([], refused=True)
        slots = [Slot(operator=operator, token=f"{prefix}:{i}", probe=status == 2) for i in range(1, count + 1)]
        return Granted(slots, retry_after=wait_ms / 1000 if wait_ms > 0 else None)

    async def release_many(self, releases: Sequence[tuple[Slot, Verdict]]) -> None:
        """Give slots back in one round trip (one script per operator, in order); ``None``: unused, no verdict."""
        if not releases:
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            await self._queue_releases(pipe, releases)
            await pipe.execute()

    async def _queue_releases(self, pipe: Any, releases: Sequence[tuple[Slot, Verdict]]) -> None:
        by_operator: dict[int, list[Any]] = {}
        for slot, healthy in releases:
            verdict = 3 if healthy == KEPT else 2 if healthy is None else 1 if healthy else 0
            by_operator.setdefault(slot.operator, []).extend((slot.token, verdict, 1 if slot.probe else 0))
        for operator, args in by_operator.items():
            await self._release_many(keys=self._keys(operator), args=args, client=pipe)

    async def open_operators(self) -> set[int]:
        operators = [int(op) for op in Operator]
        keys = [key for op in operators for key in (self._key(op, "open"), self._key(op, "probe"))]
        return {int(op) for op in await self._open(keys=keys, args=operators)}

    def _keys(self, operator: int) -> list[str]:
        return [self._key(operator, name) for name in _NAMES]

    def _key(self, operator: int, name: str) -> str:
        return f"{self._prefix}{operator}:{name}"

    def _now(self) -> float:
        return self._clock.now().timestamp()
