"""The Redis RouteLimiter against a real Redis: two limiter instances (two
processes' worth of clients) share one cap, one rate and one breaker; a lease
whose holder never released comes back; every key expires.

Each test uses its own key prefix. Time is Redis server time, so the tests that
need time to pass sleep for real; they assert on counts and order, with waits
well beyond the periods involved."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from redis.asyncio import Redis

from kook.adapters.clock import SystemClock
from kook.adapters.redis.route_limiter import RedisRouteLimiter
from kook.application.fulfilment.ports import Slot
from kook.domain.routing.operator import Operator
from kook.domain.routing.operator_routing import AdapterKind, Route

GENEROUS = 30.0

Factory = Callable[..., Awaitable[RedisRouteLimiter]]


def make_route(operator: Operator = Operator.MCI, **limits: Any) -> Route:
    values: dict[str, Any] = {
        "rate_limit_per_second": 1000,
        "max_concurrency": 100,
        "connect_timeout_ms": 1000,
        "read_timeout_ms": 2000,
        "breaker_failure_threshold": 3,
        "breaker_reset_seconds": 30,
    }
    values.update(limits)
    return Route(
        operator=operator,
        name=f"route-{int(operator)}",
        adapter=AdapterKind.HTTP,
        base_url=None,
        credential_name=None,
        operator_codes={operator: str(int(operator))},
        active=True,
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
        **values,
    )


@pytest.fixture
def prefix() -> str:
    return f"kook:route:test-{uuid.uuid4().hex[:12]}:"


@pytest.fixture
async def new_limiter(redis_url: str, prefix: str) -> AsyncIterator[Factory]:
    """Build limiters that each own a Redis client, like separate processes."""
    clients: list[Redis] = []

    async def build(**kwargs: Any) -> RedisRouteLimiter:
        client = Redis.from_url(redis_url)
        clients.append(client)
        return RedisRouteLimiter(client, SystemClock(), prefix=prefix, **kwargs)

    yield build
    if clients:
        keys = [key async for key in clients[0].scan_iter(match=prefix + "*")]
        if keys:
            await clients[0].delete(*keys)
    for client in clients:
        await client.aclose()


async def trip(limiter: RedisRouteLimiter, route: Route) -> None:
    for _ in range(route.breaker_failure_threshold):
        slot = await limiter.acquire(route, wait_seconds=0)
        assert slot is not None
        await limiter.release(slot, healthy=False)


async def test_two_instances_share_one_cap(new_limiter: Factory) -> None:
    a, b = await new_limiter(), await new_limiter()
    route = make_route(max_concurrency=4)
    slots = await asyncio.gather(*(lim.acquire(route, wait_seconds=0) for lim in [a, b] * 10))
    assert len([s for s in slots if s is not None]) == 4


async def test_two_instances_never_exceed_the_cap_together(new_limiter: Factory) -> None:
    a, b = await new_limiter(), await new_limiter()
    route = make_route(max_concurrency=3)
    held = 0
    peak = 0

    async def call(limiter: RedisRouteLimiter) -> bool:
        nonlocal held, peak
        slot = await limiter.acquire(route, wait_seconds=GENEROUS)
        if slot is None:
            return False
        held += 1
        peak = max(peak, held)
        await asyncio.sleep(0.01)
        held -= 1
        await limiter.release(slot, healthy=True)
        return True

    results = await asyncio.wait_for(asyncio.gather(*(call(lim) for lim in [a, b] * 15)), GENEROUS * 2)
    assert results == [True] * 30
    assert 1 <= peak <= 3


async def test_released_slot_comes_back(new_limiter: Factory) -> None:
    limiter = await new_limiter()
    route = make_route(max_concurrency=1)
    first = await limiter.acquire(route, wait_seconds=0)
    assert first is not None and not first.probe and first.operator == int(Operator.MCI)
    assert await limiter.acquire(route, wait_seconds=0) is None
    await limiter.release(first, healthy=True)
    second = await limiter.acquire(route, wait_seconds=0)
    assert second is not None and second.token != first.token


async def test_a_dead_holders_slot_comes_back_after_the_lease(new_limiter: Factory) -> None:
    dead = await new_limiter(lease_seconds=1.5)
    alive = await new_limiter(lease_seconds=1.5)
    route = make_route(max_concurrency=1)
    assert await dead.acquire(route, wait_seconds=0) is not None  # its process dies: never released
    started = time.monotonic()
    assert await alive.acquire(route, wait_seconds=GENEROUS) is not None
    assert time.monotonic() - started >= 1.0


async def test_a_waiter_gives_up_after_wait_seconds(new_limiter: Factory) -> None:
    limiter = await new_limiter()
    route = make_route(max_concurrency=1)
    assert await limiter.acquire(route, wait_seconds=0) is not None
    started = time.monotonic()
    assert await limiter.acquire(route, wait_seconds=0.2) is None
    assert time.monotonic() - started >= 0.2


async def test_rate_is_shared_and_spaced_by_a_second(new_limiter: Factory) -> None:
    a, b = await new_limiter(), await new_limiter()
    route = make_route(rate_limit_per_second=4)
    granted: list[float] = []

    async def call(limiter: RedisRouteLimiter) -> None:
        slot = await limiter.acquire(route, wait_seconds=GENEROUS)
        assert slot is not None
        granted.append(time.monotonic())
        await limiter.release(slot, healthy=True)

    await asyncio.wait_for(asyncio.gather(*(call(lim) for lim in [a, b] * 5)), GENEROUS * 2)
    granted.sort()
    assert len(granted) == 10
    # at most 4 starts in any second: the 5th after a start comes a second later (small clock slack)
    assert all(granted[i + 4] - granted[i] >= 0.95 for i in range(len(granted) - 4))


async def test_breaker_opens_after_threshold_and_healthy_resets_the_count(new_limiter: Factory) -> None:
    a, b = await new_limiter(), await new_limiter()
    route = make_route(breaker_failure_threshold=3)
    for limiter, healthy in [(a, False), (b, False), (a, True), (b, False), (a, False)]:
        slot = await limiter.acquire(route, wait_seconds=0)
        assert slot is not None
        await limiter.release(slot, healthy=healthy)
    assert await a.open_operators() == set()
    slot = await b.acquire(route, wait_seconds=0)
    assert slot is not None
    await b.release(slot, healthy=False)
    assert await a.open_operators() == {int(Operator.MCI)}
    started = time.monotonic()
    assert await a.acquire(route, wait_seconds=GENEROUS) is None
    assert time.monotonic() - started < GENEROUS / 2  # answered without waiting
    assert await a.acquire(make_route(Operator.IRANCELL), wait_seconds=0) is not None


async def test_half_open_admits_one_probe_across_instances_and_a_healthy_probe_closes(
    new_limiter: Factory,
) -> None:
    a, b = await new_limiter(), await new_limiter()
    route = make_route(breaker_failure_threshold=2, breaker_reset_seconds=1)
    await trip(a, route)
    assert await b.open_operators() == {int(Operator.MCI)}
    await asyncio.sleep(1.3)
    assert await b.open_operators() == set()
    slots = await asyncio.gather(*(lim.acquire(route, wait_seconds=0) for lim in [a, b] * 5))
    probes = [s for s in slots if s is not None]
    assert len(probes) == 1 and probes[0].probe
    assert await a.open_operators() == {int(Operator.MCI)}
    owner = a if slots.index(probes[0]) % 2 == 0 else b
    await owner.release(probes[0], healthy=True)
    assert await a.open_operators() == set()
    after = await asyncio.gather(*(lim.acquire(route, wait_seconds=0) for lim in [a, b] * 3))
    assert all(s is not None and not s.probe for s in after)


async def test_an_unhealthy_probe_opens_the_breaker_again(new_limiter: Factory) -> None:
    limiter = await new_limiter()
    route = make_route(breaker_failure_threshold=1, breaker_reset_seconds=1)
    await trip(limiter, route)
    await asyncio.sleep(1.3)
    probe = await limiter.acquire(route, wait_seconds=0)
    assert probe is not None and probe.probe
    await limiter.release(probe, healthy=False)
    assert await limiter.open_operators() == {int(Operator.MCI)}
    assert await limiter.acquire(route, wait_seconds=0) is None
    await asyncio.sleep(1.3)
    again = await limiter.acquire(route, wait_seconds=0)
    assert again is not None and again.probe


async def test_calls_admitted_before_opening_do_not_close_it(new_limiter: Factory) -> None:
    limiter = await new_limiter()
    route = make_route(breaker_failure_threshold=2)
    early = await limiter.acquire(route, wait_seconds=0)
    assert early is not None
    await trip(limiter, route)
    await limiter.release(early, healthy=True)
    assert await limiter.open_operators() == {int(Operator.MCI)}


async def test_every_key_expires(new_limiter: Factory, redis_url: str, prefix: str) -> None:
    limiter = await new_limiter()
    rightel = make_route(Operator.RIGHTEL, breaker_failure_threshold=1, breaker_reset_seconds=1)
    await trip(limiter, rightel)
    await asyncio.sleep(1.2)
    probe = await limiter.acquire(rightel, wait_seconds=0)
    assert probe is not None and probe.probe  # half-open with its probe out
    route = make_route(breaker_failure_threshold=2)
    slot = await limiter.acquire(route, wait_seconds=0)
    assert slot is not None
    await limiter.release(slot, healthy=False)  # a failure count
    held: Slot | None = await limiter.acquire(route, wait_seconds=0)
    assert held is not None  # a lease still out
    redis = Redis.from_url(redis_url)
    try:
        keys = [key.decode() async for key in redis.scan_iter(match=prefix + "*")]
        assert {"1:leases", "1:fails", "1:conf", "3:open", "3:probe"} <= {key.removeprefix(prefix) for key in keys}
        for key in keys:
            assert await redis.pttl(key) > 0, key
    finally:
        await redis.aclose()
