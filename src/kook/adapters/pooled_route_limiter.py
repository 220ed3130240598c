"""A process-local front for a shared ``RouteLimiter`` (contract in ``kook.application.fulfilment.limits``):
many waiters, few round trips.

A worker sends a chunk's lines at once, so hundreds of coroutines per process wait for a slot. Asking
Redis for each one, again and again, costs more CPU than the calls themselves. Here:

* per operator the waiters queue locally (FIFO); ONE pump task asks the inner limiter for as many slots as
  there are waiters (``acquire_up_to``, one round trip) and hands them out in order. With none free it
  backs off (1 ms doubling to 5 ms, or until the next rate token when the inner limiter knows it), and
  wakes at once when this process gives slots back;
* a breaker that refuses answers every queued waiter ``None`` (as ``acquire`` would); a half-open breaker
  admits one probe, handed to the first waiter;
* ``release`` only buffers; the buffer rides along with the next pump call (``acquire_up_to(...,
  releasing=...)``: given back first, same round trip), or is flushed in one ``release_many`` call when 16
  are pending or within 2 ms; a slot handed out to a waiter that has gone (deadline passed,
  cancelled) goes back unused, with no verdict for the breaker;
* a waiter's ``wait_seconds`` is honoured locally (``None`` when it passes);
* an inner error is logged and retried after a pause; releases that failed to flush stay buffered (the
  lease expiry is the backstop), so no slot leaks;
* ``open_operators`` is cached for 200 ms; ``aclose`` flushes the releases and stops the tasks.

The inner limiter's cap, rate and breaker stay the truth shared by every process; this only batches.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import structlog

from kook.application.fulfilment.limits import RouteLimiter, Slot
from kook.domain.routing.operator_routing import Route

log = structlog.get_logger(__name__)

FLUSH_AT = 16  # pending releases that are flushed at once
FLUSH_DELAY = 0.002  # the longest a release waits for company
MIN_BACKOFF = 0.001
MAX_BACKOFF = 0.005
ERROR_PAUSE = 0.05  # after an inner error
OPEN_CACHE_SECONDS = 0.2
MAX_BATCH = 1000  # slots asked for in one call


@dataclass(frozen=True, slots=True)
class Granted:
    """What one ``acquire_up_to`` got: the slots (possibly none), whether the breaker refused (open, or
    half-open with its probe out), and when known the seconds until the next rate token."""

    slots: list[Slot]
    refused: bool = False
    retry_after: float | None = None


class BatchRouteLimiter(RouteLimiter, Protocol):
    async def acquire_up_to(
        self, route: Route, n: int, *, releasing: Sequence[tuple[Slot, bool | None]] = ()
    ) -> Granted:
        """Up to ``n`` free slots now, never waiting; ``releasing`` is given back first (as ``release_many``)."""
        ...

    async def release_many(self, releases: Sequence[tuple[Slot, bool | None]]) -> None:
        """``(slot, healthy)`` in order; ``healthy=None``: handed back unused (the breaker does not move)."""
        ...


@dataclass
class _Operator:
    route: Route
    waiters: deque[asyncio.Future[Slot | None]] = field(default_factory=deque)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    pump: asyncio.Task[None] | None = None


class PooledRouteLimiter(RouteLimiter):
    def __init__(self, inner: BatchRouteLimiter) -> None:
        self._inner = inner
        self._operators: dict[int, _Operator] = {}
        self._pending: list[tuple[Slot, bool | None]] = []
        self._flush_wanted: asyncio.Event | None = None
        self._flusher: asyncio.Task[None] | None = None
        self._flush_lock: asyncio.Lock | None = None
        self._open_cache: tuple[float, set[int]] | None = None
        self._closed = False

    async def acquire(self, route: Route, *, wait_seconds: float) -> Slot | None:
        if self._closed:
            raise RuntimeError("route limiter closed")
        operator = int(route.operator)
        state = self._operators.get(operator)
        if state is None:
            state = self._operators[operator] = _Operator(route)
        state.route = route  # the latest settings
        waiter: asyncio.Future[Slot | None] = asyncio.get_running_loop().create_future()
        state.waiters.append(waiter)
        if state.pump is None or state.pump.done():
            state.pump = asyncio.create_task(self._pump(state), name=f"route-limiter-pump-{operator}")
        try:
            async with asyncio.timeout(max(0.0, wait_seconds)):
                return await asyncio.shield(waiter)
        except TimeoutError:
            pass
        except asyncio.CancelledError:
            self._abandon(waiter)
            raise
        self._abandon(waiter)
        return None

    async def release(self, slot: Slot, *, healthy: bool) -> None:
        self._buffer(slot, healthy)

    async def open_operators(self) -> set[int]:
        now = time.monotonic()
        if self._open_cache is not None and now - self._open_cache[0] < OPEN_CACHE_SECONDS:
            return set(self._open_cache[1])
        found = await self._inner.open_operators()
        self._open_cache = (time.monotonic(), found)
        return set(found)

    async def aclose(self) -> None:
        """Stop the pumps (their waiters get ``None``) and flush every buffered release."""
        self._closed = True
        pumps = [s.pump for s in self._operators.values() if s.pump is not None]
        for task in [*pumps, self._flusher]:
            if task is not None:
                task.cancel()
        await asyncio.gather(*(t for t in [*pumps, self._flusher] if t is not None), return_exceptions=True)
        for state in self._operators.values():
            while state.waiters:
                waiter = state.waiters.popleft()
                if not waiter.done():
                    waiter.set_result(None)
        await self.flush()

    async def flush(self) -> None:
        """Send the buffered releases now (one ``release_many``); on failure they stay buffered."""
        if self._flush_lock is None:
            self._flush_lock = asyncio.Lock()
        async with self._flush_lock:
            if not self._pending:
                return
            batch, self._pending = self._pending, []
            try:
                await self._inner.release_many(batch)
            except Exception:
                log.warning("route_limiter_release_failed", pending=len(batch), exc_info=True)
                self._pending[:0] = batch  # keep the order; retried on the next flush
                raise
        self._woken({slot.operator for slot, _ in batch})

    def _woken(self, operators: set[int]) -> None:
        """Slots of ``operators`` came free: their pumps need not wait out their back-off."""
        for operator in operators:
            state = self._operators.get(operator)
            if state is not None and state.waiters:
                state.wake.set()

    # ------------------------------------------------------------------ internals

    def _abandon(self, waiter: asyncio.Future[Slot | None]) -> None:
        """The waiter has gone: a slot already handed to it goes back unused."""
        if not waiter.done():
            waiter.cancel()
        elif not waiter.cancelled() and (slot := waiter.result()) is not None:
            self._buffer(slot, None)

    def _buffer(self, slot: Slot, healthy: bool | None) -> None:
        self._pending.append((slot, healthy))
        if self._flush_wanted is None:
            self._flush_wanted = asyncio.Event()
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_loop(), name="route-limiter-flusher")
        self._flush_wanted.set()

    async def _flush_loop(self) -> None:
        assert self._flush_wanted is not None
        while True:
            await self._flush_wanted.wait()
            self._flush_wanted.clear()
            if len(self._pending) < FLUSH_AT:
                await asyncio.sleep(FLUSH_DELAY)  # let a few more come along
            try:
                await self.flush()
            except Exception:  # logged by flush; the releases stay buffered
                await asyncio.sleep(ERROR_PAUSE)
                self._flush_wanted.set()

    async def _pump(self, state: _Operator) -> None:
        """Serve ``state``'s waiters until none is left."""
        backoff = MIN_BACKOFF
        while True:
            while state.waiters and state.waiters[0].done():
                state.waiters.popleft()
            if not state.waiters:
                return
            state.wake.clear()
            wanted = min(MAX_BATCH, sum(1 for w in state.waiters if not w.done()))
            releasing, self._pending = self._pending, []  # given back in the same round trip
            try:
                granted = await self._inner.acquire_up_to(state.route, wanted, releasing=releasing)
            except Exception:
                log.warning("route_limiter_acquire_failed", operator=int(state.route.operator), exc_info=True)
                self._pending[:0] = releasing  # kept, in order: retried with the next call
                await self._pause(state, ERROR_PAUSE)
                continue
            self._woken({slot.operator for slot, _ in releasing} - {int(state.route.operator)})
            slots = deque(granted.slots)
            while slots and state.waiters:
                waiter = state.waiters.popleft()
                if not waiter.done():
                    waiter.set_result(slots.popleft())
            for slot in slots:  # their waiters went meanwhile
                self._buffer(slot, None)
            if granted.refused:
                while state.waiters:
                    waiter = state.waiters.popleft()
                    if not waiter.done():
                        waiter.set_result(None)
                return
            if granted.slots:
                backoff = MIN_BACKOFF
                continue
            pause = granted.retry_after if granted.retry_after is not None else backoff
            backoff = min(MAX_BACKOFF, backoff * 2)
            await self._pause(state, pause)

    @staticmethod
    async def _pause(state: _Operator, seconds: float) -> None:
        """Sleep ``seconds`` or until this process frees slots of the operator."""
        try:
            async with asyncio.timeout(seconds):
                await state.wake.wait()
        except TimeoutError:
            pass
