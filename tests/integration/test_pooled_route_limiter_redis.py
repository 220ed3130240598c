"""The pooled limiter over the Redis one, against a real Redis: two pools (two processes' worth, each with its
own client) never hold more than the cap together and serve every waiter; the batch scripts grant up to the
free slots, admit one half-open probe, and take unused slots back without moving the breaker.

Each test uses its own key prefix; assertions are on counts, with generous waits."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from redis.asyncio import Redis

from kook.adapters.memory.pooled_route_limiter import KEPT, PooledRouteLimiter
from kook.adapters.redis.route_limiter import RedisRouteLimiter
from kook.adapters.system.clock import SystemClock
from kook.domain.routing.operator import Operator
from tests.integration.test_route_limiter_redis import make_route

GENEROUS = 30.0

Factory = Callable[..., Awaitable[RedisRouteLimiter]]


@pytest.fixture
async def new_limiter(redis_url: str) -> AsyncIterator[Factory]:
    prefix = f"kook:route:test-{uuid.uuid4().hex[:12]}:"
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


async def test_two_pools_never_exceed_the_cap_together(new_limiter: Factory) -> None:
    a, b = PooledRouteLimiter(await new_limiter()), PooledRouteLimiter(await new_limiter())
    route = make_route(max_concurrency=5)
    held = 0
    peak = 0

    async def call(limiter: PooledRouteLimiter, i: int) -> bool:
        nonlocal held, peak
        slot = await limiter.acquire(route, wait_seconds=GENEROUS)
        if slot is None:
            return False
        held += 1
        peak = max(peak, held)
        await asyncio.sleep(0.005)
        held -= 1
        await limiter.release(slot, healthy=i % 7 != 0)  # a few unhealthy, never three in a row
        return True

    results = await asyncio.wait_for(asyncio.gather(*(call(lim, i) for i, lim in enumerate([a, b] * 40))), GENEROUS * 2)
    await a.aclose()
    await b.aclose()
    assert results == [True] * 80
    assert 1 <= peak <= 5
    check = await new_limiter()
    assert len((await check.acquire_up_to(route, 10)).slots) == 5  # every slot came back


async def test_acquire_up_to_grants_the_free_slots_only(new_limiter: Factory) -> None:
    a, b = await new_limiter(), await new_limiter()
    route = make_route(max_concurrency=5)
    first = await a.acquire_up_to(route, 3)
    second = await b.acquire_up_to(route, 10)
    third = await a.acquire_up_to(route, 1)
    assert (len(first.slots), len(second.slots), len(third.slots)) == (3, 2, 0)
    assert not third.refused
    assert len({s.token for s in [*first.slots, *second.slots]}) == 5
    await b.release_many([(s, True) for s in first.slots])
    fourth = await a.acquire_up_to(route, 10)
    assert len(fourth.slots) == 3
    # given back in the same round trip, before the grant
    fifth = await b.acquire_up_to(route, 10, releasing=[(s, True) for s in [*second.slots, *fourth.slots]])
    assert len(fifth.slots) == 5


async def test_batch_half_open_admits_one_probe_and_an_unused_probe_leaves_it_half_open(
    new_limiter: Factory,
) -> None:
    a, b = await new_limiter(), await new_limiter()
    route = make_route(breaker_failure_threshold=2, breaker_reset_seconds=1)
    opened = await a.acquire_up_to(route, 2)
    await a.release_many([(s, False) for s in opened.slots])
    assert await b.open_operators() == {int(Operator.MCI)}
    assert (await b.acquire_up_to(route, 5)).refused
    await asyncio.sleep(1.3)

    probe = await a.acquire_up_to(route, 5)
    assert [s.probe for s in probe.slots] == [True]
    assert (await b.acquire_up_to(route, 5)).refused  # the probe is out
    await a.release_many([(probe.slots[0], None)])  # handed back unused: no verdict
    again = await b.acquire_up_to(route, 5)
    assert [s.probe for s in again.slots] == [True]
    await b.release_many([(again.slots[0], True)])  # a healthy probe closes it
    assert await a.open_operators() == set()
    assert len((await a.acquire_up_to(route, 5)).slots) == 5


async def test_release_many_counts_failures_in_order_across_operators(new_limiter: Factory) -> None:
    limiter = await new_limiter()
    mci = make_route(breaker_failure_threshold=3)
    other = make_route(Operator.IRANCELL, breaker_failure_threshold=3)
    m = (await limiter.acquire_up_to(mci, 4)).slots
    o = (await limiter.acquire_up_to(other, 2)).slots
    # MCI: fail, fail, ok (resets), fail → stays closed; IRANCELL: two failures → closed
    await limiter.release_many([(m[0], False), (o[0], False), (m[1], False), (m[2], True), (o[1], False)])
    await limiter.release_many([(m[3], False)])
    assert await limiter.open_operators() == set()
    more = (await limiter.acquire_up_to(mci, 2)).slots
    await limiter.release_many([(s, False) for s in more])
    assert await limiter.open_operators() == {int(Operator.MCI)}


async def test_a_kept_slot_keeps_its_lease_and_its_healthy_verdict_counts(new_limiter: Factory) -> None:
    limiter, other = await new_limiter(), await new_limiter()
    route = make_route(max_concurrency=2, breaker_failure_threshold=2)
    first, second = (await limiter.acquire_up_to(route, 2)).slots
    await limiter.release_many([(first, False), (second, KEPT)])  # a failure, then a healthy call handed on
    assert len((await other.acquire_up_to(route, 5)).slots) == 1  # the kept lease is still held
    await limiter.release_many([(second, False)])  # a failure — but not two in a row: a healthy call between
    assert await other.open_operators() == set()


async def test_a_kept_slot_counts_its_next_call_against_the_rate(new_limiter: Factory) -> None:
    limiter, other = await new_limiter(), await new_limiter()
    route = make_route(max_concurrency=5, rate_limit_per_second=3)
    first, _second = (await limiter.acquire_up_to(route, 2)).slots  # two starts
    await limiter.release_many([(first, KEPT)])  # a third start, on the same lease
    busy = await other.acquire_up_to(route, 5)
    assert busy.slots == [] and busy.retry_after is not None and busy.retry_after > 0
