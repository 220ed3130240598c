"""The in-process RouteLimiter with a fake clock: the concurrency cap under many
concurrent acquirers, leases that come back, the per-second rate (a sliding
second), and the breaker's closed → open → half-open (one probe) cycle.

Time only moves when a test advances the fake clock; waits that would need
time to pass are awaited under a generous ``asyncio.wait_for`` so a bug fails
the test instead of hanging it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from kook.adapters.memory_route_limiter import MemoryRouteLimiter
from kook.application.fulfilment.limits import lease_seconds
from kook.application.fulfilment.ports import Slot
from kook.domain.routing.operator import Operator
from kook.domain.routing.operator_routing import AdapterKind, Route
from tests.fakes.clock import FakeClock

GENEROUS = 10.0


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
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limiter(clock: FakeClock) -> MemoryRouteLimiter:
    return MemoryRouteLimiter(clock)


async def take(limiter: MemoryRouteLimiter, route: Route, count: int) -> list[Slot | None]:
    return [await limiter.acquire(route, wait_seconds=0) for _ in range(count)]


async def trip(limiter: MemoryRouteLimiter, route: Route) -> None:
    """Open the breaker: threshold unhealthy calls in a row."""
    for _ in range(route.breaker_failure_threshold):
        slot = await limiter.acquire(route, wait_seconds=0)
        assert slot is not None
        await limiter.release(slot, healthy=False)


# --- concurrency ----------------------------------------------------------------------------------


async def test_cap_holds_under_many_concurrent_acquirers(limiter: MemoryRouteLimiter) -> None:
    route = make_route(max_concurrency=3)
    slots = await asyncio.gather(*(limiter.acquire(route, wait_seconds=0) for _ in range(20)))
    granted = [s for s in slots if s is not None]
    assert len(granted) == 3
    assert len({s.token for s in granted}) == 3
    assert all(s.operator == int(Operator.MCI) and not s.probe for s in granted)


async def test_waiters_get_slots_as_holders_release_never_exceeding_the_cap(limiter: MemoryRouteLimiter) -> None:
    route = make_route(max_concurrency=3)
    held = 0
    peak = 0

    async def call() -> bool:
        nonlocal held, peak
        slot = await limiter.acquire(route, wait_seconds=60)
        if slot is None:
            return False
        held += 1
        peak = max(peak, held)
        for _ in range(3):
            await asyncio.sleep(0)
        held -= 1
        await limiter.release(slot, healthy=True)
        return True

    results = await asyncio.wait_for(asyncio.gather(*(call() for _ in range(25))), GENEROUS)
    assert results == [True] * 25
    assert peak == 3


async def test_released_slot_comes_back(limiter: MemoryRouteLimiter) -> None:
    route = make_route(max_concurrency=1)
    first = await limiter.acquire(route, wait_seconds=0)
    assert first is not None
    assert await limiter.acquire(route, wait_seconds=0) is None
    await limiter.release(first, healthy=True)
    second = await limiter.acquire(route, wait_seconds=0)
    assert second is not None and second.token != first.token


async def test_unreleased_slot_comes_back_after_the_lease(limiter: MemoryRouteLimiter, clock: FakeClock) -> None:
    route = make_route(max_concurrency=1, connect_timeout_ms=1000, read_timeout_ms=2000)
    assert lease_seconds(route) == 8.0
    assert await limiter.acquire(route, wait_seconds=0) is not None  # holder dies, never releases
    clock.advance(seconds=7.9)
    assert await limiter.acquire(route, wait_seconds=0) is None
    clock.advance(seconds=0.1)
    assert await limiter.acquire(route, wait_seconds=0) is not None


async def test_lease_override(clock: FakeClock) -> None:
    limiter = MemoryRouteLimiter(clock, lease_seconds=1.5)
    route = make_route(max_concurrency=1)
    assert await limiter.acquire(route, wait_seconds=0) is not None
    clock.advance(seconds=1.4)
    assert await limiter.acquire(route, wait_seconds=0) is None
    clock.advance(seconds=0.1)
    assert await limiter.acquire(route, wait_seconds=0) is not None


async def test_a_waiter_is_served_when_a_slot_is_released(limiter: MemoryRouteLimiter) -> None:
    route = make_route(max_concurrency=1)
    holder = await limiter.acquire(route, wait_seconds=0)
    assert holder is not None
    waiter = asyncio.create_task(limiter.acquire(route, wait_seconds=60))
    for _ in range(5):
        await asyncio.sleep(0)
    assert not waiter.done()
    await limiter.release(holder, healthy=True)
    assert await asyncio.wait_for(waiter, GENEROUS) is not None


async def test_a_waiter_gives_up_after_wait_seconds(limiter: MemoryRouteLimiter, clock: FakeClock) -> None:
    route = make_route(max_concurrency=1)
    assert await limiter.acquire(route, wait_seconds=0) is not None
    waiter = asyncio.create_task(limiter.acquire(route, wait_seconds=2))
    for _ in range(5):
        await asyncio.sleep(0)
    assert not waiter.done()
    clock.advance(seconds=2)
    assert await asyncio.wait_for(waiter, GENEROUS) is None


async def test_operators_have_separate_limits(limiter: MemoryRouteLimiter) -> None:
    mci, irancell = make_route(Operator.MCI, max_concurrency=1), make_route(Operator.IRANCELL, max_concurrency=1)
    assert await limiter.acquire(mci, wait_seconds=0) is not None
    assert await limiter.acquire(mci, wait_seconds=0) is None
    slot = await limiter.acquire(irancell, wait_seconds=0)
    assert slot is not None and slot.operator == int(Operator.IRANCELL)


# --- rate -----------------------------------------------------------------------------------------


async def test_rate_allows_n_starts_per_second(limiter: MemoryRouteLimiter, clock: FakeClock) -> None:
    route = make_route(rate_limit_per_second=5)
    first = await take(limiter, route, 6)
    assert [s is not None for s in first] == [True] * 5 + [False]
    for slot in first[:5]:
        assert slot is not None
        await limiter.release(slot, healthy=True)  # releasing frees the slot, not the rate
    assert await limiter.acquire(route, wait_seconds=0) is None
    clock.advance(seconds=0.999)
    assert await limiter.acquire(route, wait_seconds=0) is None
    clock.advance(seconds=0.001)
    assert [s is not None for s in await take(limiter, route, 6)] == [True] * 5 + [False]


async def test_rate_counts_a_sliding_second(limiter: MemoryRouteLimiter, clock: FakeClock) -> None:
    route = make_route(rate_limit_per_second=5)
    assert None not in await take(limiter, route, 3)
    clock.advance(seconds=0.5)
    assert [s is not None for s in await take(limiter, route, 3)] == [True, True, False]
    clock.advance(seconds=0.5)  # the first three left the window, the last two did not
    assert [s is not None for s in await take(limiter, route, 4)] == [True, True, True, False]


async def test_a_waiter_gets_the_next_rate_token(limiter: MemoryRouteLimiter, clock: FakeClock) -> None:
    route = make_route(rate_limit_per_second=2)
    assert None not in await take(limiter, route, 2)
    waiter = asyncio.create_task(limiter.acquire(route, wait_seconds=5))
    for _ in range(5):
        await asyncio.sleep(0)
    assert not waiter.done()
    clock.advance(seconds=1)
    assert await asyncio.wait_for(waiter, GENEROUS) is not None


# --- breaker --------------------------------------------------------------------------------------


async def test_breaker_opens_after_threshold_unhealthy_in_a_row(limiter: MemoryRouteLimiter) -> None:
    route = make_route(breaker_failure_threshold=3)
    for _ in range(2):
        slot = await limiter.acquire(route, wait_seconds=0)
        assert slot is not None
        await limiter.release(slot, healthy=False)
    assert await limiter.open_operators() == set()
    slot = await limiter.acquire(route, wait_seconds=0)
    assert slot is not None
    await limiter.release(slot, healthy=False)
    assert await limiter.open_operators() == {int(Operator.MCI)}
    # open: None at once, however long the caller would wait (the clock does not move)
    assert await asyncio.wait_for(limiter.acquire(route, wait_seconds=60), GENEROUS) is None


async def test_a_healthy_call_resets_the_count(limiter: MemoryRouteLimiter) -> None:
    route = make_route(breaker_failure_threshold=3)
    for healthy in [False, False, True, False, False]:
        slot = await limiter.acquire(route, wait_seconds=0)
        assert slot is not None
        await limiter.release(slot, healthy=healthy)
    assert await limiter.open_operators() == set()
    assert await limiter.acquire(route, wait_seconds=0) is not None


async def test_open_breaker_is_per_operator(limiter: MemoryRouteLimiter) -> None:
    mci, rightel = make_route(Operator.MCI), make_route(Operator.RIGHTEL)
    await trip(limiter, mci)
    assert await limiter.open_operators() == {int(Operator.MCI)}
    assert await limiter.acquire(rightel, wait_seconds=0) is not None


async def test_half_open_admits_one_probe_and_a_healthy_probe_closes(
    limiter: MemoryRouteLimiter, clock: FakeClock
) -> None:
    route = make_route(breaker_reset_seconds=30)
    await trip(limiter, route)
    clock.advance(seconds=29.9)
    assert await limiter.acquire(route, wait_seconds=0) is None
    assert await limiter.open_operators() == {int(Operator.MCI)}
    clock.advance(seconds=0.1)
    assert await limiter.open_operators() == set()  # half-open: workers may claim lines for a probe
    probe = await limiter.acquire(route, wait_seconds=0)
    assert probe is not None and probe.probe
    assert await asyncio.wait_for(limiter.acquire(route, wait_seconds=60), GENEROUS) is None
    assert await limiter.open_operators() == {int(Operator.MCI)}  # probe out: nothing else goes
    await limiter.release(probe, healthy=True)
    assert await limiter.open_operators() == set()
    slots = await take(limiter, route, 3)
    assert all(s is not None and not s.probe for s in slots)


async def test_an_unhealthy_probe_opens_the_breaker_for_another_period(
    limiter: MemoryRouteLimiter, clock: FakeClock
) -> None:
    route = make_route(breaker_reset_seconds=30)
    await trip(limiter, route)
    clock.advance(seconds=30)
    probe = await limiter.acquire(route, wait_seconds=0)
    assert probe is not None and probe.probe
    clock.advance(seconds=5)
    await limiter.release(probe, healthy=False)
    assert await limiter.open_operators() == {int(Operator.MCI)}
    clock.advance(seconds=29.9)
    assert await limiter.acquire(route, wait_seconds=0) is None
    clock.advance(seconds=0.1)
    again = await limiter.acquire(route, wait_seconds=0)
    assert again is not None and again.probe


async def test_a_lost_probe_is_replaced_after_its_lease(clock: FakeClock) -> None:
    limiter = MemoryRouteLimiter(clock, lease_seconds=10)
    route = make_route(breaker_reset_seconds=30)
    await trip(limiter, route)
    clock.advance(seconds=30)
    lost = await limiter.acquire(route, wait_seconds=0)
    assert lost is not None and lost.probe
    clock.advance(seconds=9.9)
    assert await limiter.acquire(route, wait_seconds=0) is None
    clock.advance(seconds=0.1)
    probe = await limiter.acquire(route, wait_seconds=0)
    assert probe is not None and probe.probe and probe.token != lost.token
    await limiter.release(lost, healthy=True)  # the stale probe's late answer decides nothing
    assert await limiter.acquire(route, wait_seconds=0) is None
    await limiter.release(probe, healthy=True)
    assert await limiter.open_operators() == set()


async def test_calls_admitted_before_the_breaker_opened_do_not_move_it(
    limiter: MemoryRouteLimiter, clock: FakeClock
) -> None:
    route = make_route(breaker_failure_threshold=2, breaker_reset_seconds=30)
    early = await limiter.acquire(route, wait_seconds=0)
    assert early is not None
    await trip(limiter, route)
    await limiter.release(early, healthy=True)
    assert await limiter.open_operators() == {int(Operator.MCI)}
    clock.advance(seconds=30)
    probe = await limiter.acquire(route, wait_seconds=0)
    assert probe is not None and probe.probe
