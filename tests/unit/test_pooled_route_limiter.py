"""The pooling front of the route limiter over a fake inner limiter: the inner cap holds with many waiters,
waiters are served first come first served, one inner call asks for every waiter, a passed deadline answers
``None`` (and a slot granted too late goes back unused), releases are buffered and sent together, an inner
error is survived, and the breaker's refusal and single probe pass through.

Waits that need the pump to run are awaited under a generous ``asyncio.wait_for`` so a bug fails the test
instead of hanging it; no assertion depends on how long anything took."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from kook.adapters import pooled_route_limiter
from kook.adapters.pooled_route_limiter import KEPT, Granted, PooledRouteLimiter, Verdict
from kook.application.fulfilment.ports import Slot
from kook.domain.routing.operator import Operator
from kook.domain.routing.operator_routing import AdapterKind, Route

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


class FakeInner:
    """A batch limiter with a plain cap; records every call; can fail, refuse, or hold a call."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.held: set[str] = set()
        self.most_held = 0
        self.asked: list[int] = []
        self.released: list[list[tuple[Slot, Verdict]]] = []
        self.acquire_errors = 0
        self.release_errors = 0
        self.refuse = False
        self.probe_next = False
        self.gate: asyncio.Event | None = None  # when set: acquire_up_to waits for it
        self.open_calls = 0
        self._ids = itertools.count(1)

    async def acquire_up_to(self, route: Route, n: int, *, releasing: Sequence[tuple[Slot, Verdict]] = ()) -> Granted:
        self.asked.append(n)
        if self.gate is not None:
            await self.gate.wait()
        if self.acquire_errors:
            self.acquire_errors -= 1
            raise ConnectionError("redis down")
        if releasing:
            await self.release_many(releasing)
        if self.refuse:
            return Granted([], refused=True)
        if self.probe_next:
            self.probe_next = False
            self.refuse = True  # the probe is out: the next ones are refused
            slot = Slot(int(route.operator), f"t{next(self._ids)}", probe=True)
            self.held.add(slot.token)
            return Granted([slot])
        count = max(0, min(n, self.cap - len(self.held)))
        slots = [Slot(int(route.operator), f"t{next(self._ids)}") for _ in range(count)]
        self.held.update(s.token for s in slots)
        self.most_held = max(self.most_held, len(self.held))
        return Granted(slots)

    async def release_many(self, releases: Sequence[tuple[Slot, Verdict]]) -> None:
        if self.release_errors:
            self.release_errors -= 1
            raise ConnectionError("redis down")
        self.released.append(list(releases))
        for slot, verdict in releases:
            if verdict != KEPT:  # kept: the slot went on to another call of the same process
                self.held.discard(slot.token)

    async def acquire(self, route: Route, *, wait_seconds: float) -> Slot | None:
        raise AssertionError("the pool asks in batches")

    async def release(self, slot: Slot, *, healthy: bool) -> None:
        raise AssertionError("the pool releases in batches")

    async def open_operators(self) -> set[int]:
        self.open_calls += 1
        return {int(Operator.IRANCELL)}


async def test_many_waiters_share_the_inner_cap_and_one_call_asks_for_all() -> None:
    inner = FakeInner(cap=5)
    pool = PooledRouteLimiter(inner)
    route = make_route()

    async def use() -> bool:
        slot = await pool.acquire(route, wait_seconds=GENEROUS)
        if slot is None:
            return False
        await asyncio.sleep(0)
        await pool.release(slot, healthy=True)
        return True

    got = await asyncio.wait_for(asyncio.gather(*(use() for _ in range(50))), GENEROUS)
    await pool.aclose()

    assert all(got)
    assert inner.asked[0] == 50  # every waiter queued before the pump's first call
    assert inner.most_held == 5
    assert inner.held == set()
    assert sum(1 for batch in inner.released for _, verdict in batch if verdict != KEPT) == 5  # each slot once
    assert sum(1 for batch in inner.released for _, verdict in batch if verdict == KEPT) == 45  # handed on


async def test_waiters_are_served_in_arrival_order() -> None:
    inner = FakeInner(cap=1)
    pool = PooledRouteLimiter(inner)
    route = make_route()
    first = await pool.acquire(route, wait_seconds=GENEROUS)
    assert first is not None
    order: list[str] = []

    async def wait(name: str) -> None:
        slot = await pool.acquire(route, wait_seconds=GENEROUS)
        assert slot is not None
        order.append(name)
        await pool.release(slot, healthy=True)

    tasks = []
    for name in "abcd":
        tasks.append(asyncio.create_task(wait(name)))
        await asyncio.sleep(0)  # queued in this order
    await pool.release(first, healthy=True)
    await asyncio.wait_for(asyncio.gather(*tasks), GENEROUS)
    await pool.aclose()

    assert order == ["a", "b", "c", "d"]


async def test_a_passed_deadline_answers_none_and_a_late_slot_goes_back_unused() -> None:
    inner = FakeInner(cap=1)
    inner.gate = asyncio.Event()  # the inner call does not answer until the waiter has given up
    pool = PooledRouteLimiter(inner)

    assert await asyncio.wait_for(pool.acquire(make_route(), wait_seconds=0.01), GENEROUS) is None

    inner.gate.set()
    await asyncio.wait_for(_until(lambda: bool(inner.released)), GENEROUS)
    await pool.aclose()
    [[(_slot, healthy)]] = inner.released
    assert healthy is None  # unused: no verdict for the breaker
    assert inner.held == set()


async def test_each_waiter_keeps_its_own_deadline_whatever_the_order_of_arrival() -> None:
    inner = FakeInner(cap=1)
    pool = PooledRouteLimiter(inner)
    route = make_route()
    held = await pool.acquire(route, wait_seconds=GENEROUS)  # the only slot: everyone after it waits
    assert held is not None
    patient = asyncio.ensure_future(pool.acquire(route, wait_seconds=GENEROUS))
    hasty = asyncio.ensure_future(pool.acquire(route, wait_seconds=0.01))  # arrives later, gives up first

    assert await asyncio.wait_for(hasty, GENEROUS) is None
    assert not patient.done()  # still waiting: its deadline is its own
    await pool.release(held, healthy=True)
    slot = await asyncio.wait_for(patient, GENEROUS)
    assert slot is not None
    await pool.release(slot, healthy=True)
    await pool.aclose()
    assert inner.held == set()


async def test_a_waiter_cancelled_while_queued_takes_no_slot() -> None:
    inner = FakeInner(cap=1)
    pool = PooledRouteLimiter(inner)
    route = make_route()
    held = await pool.acquire(route, wait_seconds=GENEROUS)
    assert held is not None
    cancelled = asyncio.ensure_future(pool.acquire(route, wait_seconds=GENEROUS))
    after = asyncio.ensure_future(pool.acquire(route, wait_seconds=GENEROUS))
    await asyncio.sleep(0.01)
    cancelled.cancel()
    await pool.release(held, healthy=True)

    slot = await asyncio.wait_for(after, GENEROUS)  # the slot skips the cancelled waiter
    assert slot is not None
    assert cancelled.cancelled()
    await pool.release(slot, healthy=True)
    await pool.aclose()
    assert inner.held == set()


async def test_releases_are_buffered_and_sent_together() -> None:
    inner = FakeInner(cap=100)
    pool = PooledRouteLimiter(inner)
    route = make_route()
    slots = [await pool.acquire(route, wait_seconds=GENEROUS) for _ in range(20)]
    await asyncio.wait_for(_until(lambda: all(s.pump is None or s.pump.done() for s in pool._operators.values())), 1)

    for i, slot in enumerate(slots):
        assert slot is not None
        await pool.release(slot, healthy=i % 2 == 0)
    assert inner.released == []  # no round trip per release

    await asyncio.wait_for(_until(lambda: bool(inner.released)), GENEROUS)
    assert len(inner.released) == 1
    assert inner.released[0] == [(slot, i % 2 == 0) for i, slot in enumerate(slots)]

    last = await pool.acquire(route, wait_seconds=GENEROUS)
    assert last is not None
    await pool.release(last, healthy=False)
    await pool.aclose()  # flushes what is left
    assert inner.released[-1] == [(last, False)]
    assert inner.held == set()


async def test_inner_errors_are_survived_and_no_release_is_lost() -> None:
    inner = FakeInner(cap=2)
    inner.acquire_errors = 2
    inner.release_errors = 1
    pool = PooledRouteLimiter(inner)
    route = make_route()

    slot = await asyncio.wait_for(pool.acquire(route, wait_seconds=GENEROUS), GENEROUS)
    assert slot is not None
    assert len(inner.asked) == 3  # two failed calls, then the grant

    await pool.release(slot, healthy=True)
    await asyncio.wait_for(_until(lambda: bool(inner.released)), GENEROUS)  # the failed flush is retried
    await pool.aclose()
    assert inner.released == [[(slot, True)]]
    assert inner.held == set()


async def test_an_open_breaker_answers_every_waiter_none_at_once() -> None:
    inner = FakeInner(cap=10)
    inner.refuse = True
    pool = PooledRouteLimiter(inner)
    route = make_route()

    got = await asyncio.wait_for(
        asyncio.gather(*(pool.acquire(route, wait_seconds=GENEROUS) for _ in range(5))), GENEROUS
    )
    await pool.aclose()
    assert got == [None] * 5


async def test_a_half_open_breaker_admits_one_probe_to_the_first_waiter() -> None:
    inner = FakeInner(cap=10)
    inner.probe_next = True
    pool = PooledRouteLimiter(inner)
    route = make_route()

    got = await asyncio.wait_for(
        asyncio.gather(*(pool.acquire(route, wait_seconds=GENEROUS) for _ in range(4))), GENEROUS
    )
    first, *others = got
    assert first is not None and first.probe
    assert others == [None, None, None]
    await pool.release(first, healthy=True)
    await pool.aclose()
    assert inner.released == [[(first, True)]]


async def test_open_operators_pass_through_and_are_cached() -> None:
    inner = FakeInner(cap=1)
    pool = PooledRouteLimiter(inner)
    assert await pool.open_operators() == {int(Operator.IRANCELL)}
    assert await pool.open_operators() == {int(Operator.IRANCELL)}
    assert inner.open_calls == 1


async def test_close_answers_queued_waiters_none_and_refuses_new_ones() -> None:
    inner = FakeInner(cap=0)
    pool = PooledRouteLimiter(inner)
    waiter = asyncio.create_task(pool.acquire(make_route(), wait_seconds=GENEROUS))
    await asyncio.wait_for(_until(lambda: bool(inner.asked)), GENEROUS)
    await pool.aclose()
    assert await asyncio.wait_for(waiter, GENEROUS) is None
    with pytest.raises(RuntimeError):
        await pool.acquire(make_route(), wait_seconds=0)


async def _until(condition: Any) -> None:
    while not condition():
        await asyncio.sleep(0.001)


def _verdicts(inner: FakeInner) -> list[tuple[str, Verdict]]:
    return [(slot.token, verdict) for batch in inner.released for slot, verdict in batch]


async def test_a_slot_given_back_healthy_goes_straight_to_the_next_waiter_and_the_inner_is_told() -> None:
    inner = FakeInner(cap=1)
    pool = PooledRouteLimiter(inner)
    route = make_route()
    first = await pool.acquire(route, wait_seconds=GENEROUS)
    assert first is not None
    waiting = asyncio.create_task(pool.acquire(route, wait_seconds=GENEROUS))
    await asyncio.sleep(0.01)
    asked = len(inner.asked)
    await pool.release(first, healthy=True)
    second = await asyncio.wait_for(waiting, GENEROUS)
    assert second == first  # the same lease, no round trip for it
    assert len(inner.asked) == asked
    await pool.release(second, healthy=True)
    await pool.aclose()
    # in order: the first call's healthy verdict and the second call's start, then the slot given back
    assert _verdicts(inner) == [(first.token, KEPT), (first.token, True)]
    assert inner.held == set()


async def _released_to_a_waiter(pool: PooledRouteLimiter, route: Route, held: Slot, *, healthy: bool) -> Slot:
    """The slot a queued waiter gets once ``held`` is given back (``healthy``); given back healthy in turn."""
    waiting = asyncio.create_task(pool.acquire(route, wait_seconds=GENEROUS))
    await asyncio.sleep(0.01)
    await pool.release(held, healthy=healthy)
    got = await asyncio.wait_for(waiting, GENEROUS)
    assert got is not None
    await pool.release(got, healthy=True)
    return got


async def test_a_slot_is_not_handed_on_after_an_unhealthy_call_as_a_probe_or_when_old(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inner = FakeInner(cap=1)
    pool = PooledRouteLimiter(inner)
    route = make_route()

    async def hand_over(healthy: bool) -> tuple[Slot, Slot]:
        held = await pool.acquire(route, wait_seconds=GENEROUS)
        assert held is not None
        return held, await _released_to_a_waiter(pool, route, held, healthy=healthy)

    held, got = await hand_over(healthy=False)  # the breaker must hear of it: through the inner limiter
    assert got != held

    with monkeypatch.context() as patch:
        patch.setattr(pooled_route_limiter, "KEEP_SECONDS", -1.0)  # every lease "too old" to outlast a call
        held, got = await hand_over(healthy=True)
        assert got != held

    inner.probe_next = True
    probe = await pool.acquire(route, wait_seconds=GENEROUS)
    assert probe is not None and probe.probe
    inner.refuse = False
    got_after_probe = await _released_to_a_waiter(pool, route, probe, healthy=True)
    assert got_after_probe != probe
    await pool.aclose()
    assert KEPT not in [verdict for _, verdict in _verdicts(inner)]


async def test_handing_on_stays_within_this_process_share_of_the_rate() -> None:
    """One slot of a cap of 100 held here: a share of 1/100 of 50 calls a second — under one call, so every
    slot goes back through the inner limiter, which counts the rate for everyone."""
    inner = FakeInner(cap=1)
    pool = PooledRouteLimiter(inner)
    route = make_route(rate_limit_per_second=50, max_concurrency=100)
    held = await pool.acquire(route, wait_seconds=GENEROUS)
    assert held is not None
    got = await _released_to_a_waiter(pool, route, held, healthy=True)
    assert got != held
    await pool.aclose()
    assert KEPT not in [verdict for _, verdict in _verdicts(inner)]
