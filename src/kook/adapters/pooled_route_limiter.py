"""A process-local front for a shared ``RouteLimiter`` (contract in ``kook.application.fulfilment.limits``):
many waiters, few round trips.

A worker sends a chunk's lines at once, so hundreds of coroutines per process wait for a slot. Asking
Redis for each one, again and again, costs more CPU than the calls themselves. Here:

* per operator the waiters queue locally (FIFO); ONE pump task asks the inner limiter for as many slots as
  there are waiters (``acquire_up_to``, one round trip) and hands them out in order. With none free it
  backs off (1 ms doubling to 5 ms — to 20 ms while it holds slots of the operator — or until the next
  rate token when the inner limiter knows it), and wakes at once when this process gives slots back;
* a breaker that refuses answers every queued waiter ``None`` (as ``acquire`` would); a half-open breaker
  admits one probe, handed to the first waiter;
* ``release`` only buffers; the buffer rides along with the next pump call (``acquire_up_to(...,
  releasing=...)``: given back first, same round trip), or is flushed in one ``release_many`` call when 16
  are pending or within 2 ms (kept verdicts alone: 128, or 50 ms); a slot handed out to a waiter that has
  gone (deadline passed, cancelled) goes back unused, with no verdict for the breaker;
* a waiter's ``wait_seconds`` is honoured locally (``None`` when it passes): per operator one timer, set
  for the earliest deadline still waiting, answers every passed one (a timeout and a shield per waiter cost
  ~7% of a worker's CPU at 1,000 calls/s);
* an inner error is logged and retried after a pause; releases that failed to flush stay buffered (the
  lease expiry is the backstop), so no slot leaks;
* ``open_operators`` is cached for 200 ms; ``aclose`` flushes the releases and stops the tasks;
* a slot given back after a **healthy** call while a waiter of the same operator is queued here is handed
  straight to that waiter (KEPT): its lease stays, and the buffer tells the inner limiter in order — the
  healthy verdict for the breaker and one more call start for the rate. Measured: a slot spent 30+ ms per
  call between a release and the next grant going through Redis (two event-loop hops and two round trips
  on busy loops); handing it on costs one hop. Limits still hold: a slot is only handed on while its lease
  outlasts the next call (``KEEP_SECONDS`` after it was granted, the lease being the route's timeouts plus
  5 s); never a probe, never after an unhealthy call, never while the breaker is known open; and only while
  this process's call starts in the last second stay under its share of the route's rate (the rate × the
  share of the cap it holds) — the inner limiter counts them too, so its own grants leave room for them.

The inner limiter's cap, rate and breaker stay the truth shared by every process; this only batches.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Literal, Protocol

import structlog

from kook.application.fulfilment.ports import RouteLimiter, Slot
from kook.domain.routing.operator_routing import Route

log = structlog.get_logger(__name__)

FLUSH_AT = 16  # pending releases that are flushed at once
FLUSH_DELAY = 0.002  # the longest a release waits for company
# Only kept verdicts pending: no process waits for them (the slots are still held here) and the pump's next call
# carries them anyway, so they gather longer. Flushing each within 2 ms cost ~250 Redis round trips a second
# per worker at 500 calls/s; a give-back (a slot another process may be waiting for) cuts the wait short.
FLUSH_AT_KEPT = 128
KEPT_FLUSH_DELAY = 0.05
MIN_BACKOFF = 0.001
MAX_BACKOFF = 0.005
# while this process holds slots of the operator its waiters are mostly served by slots handed on here; asking
# the inner limiter every 5 ms for more (answered "none" nearly always at a full cap) cost ~6% of a worker
MAX_BACKOFF_HOLDING = 0.02
ERROR_PAUSE = 0.05  # after an inner error
OPEN_CACHE_SECONDS = 0.2
MAX_BATCH = 1000  # slots asked for in one call
CLOSE_WAIT = 5.0  # the longest ``aclose`` waits for a pump's call in flight
KEEP_SECONDS = 3.0  # a slot is handed on within the process for this long after its grant (the lease: + 5 s)
KEPT: Final = "kept"  # a release verdict: the slot went on to this process's next call
Verdict = bool | None | Literal["kept"]  # healthy, unhealthy, unused (no verdict), kept


@dataclass(frozen=True, slots=True)
class Granted:
    """What one ``acquire_up_to`` got: the slots (possibly none), whether the breaker refused (open, or
    half-open with its probe out), and when known the seconds until the next rate token."""

    slots: list[Slot]
    refused: bool = False
    retry_after: float | None = None


class BatchRouteLimiter(RouteLimiter, Protocol):
    async def acquire_up_to(self, route: Route, n: int, *, releasing: Sequence[tuple[Slot, Verdict]] = ()) -> Granted:
        """Up to ``n`` free slots now, never waiting; ``releasing`` is given back first (as ``release_many``)."""
        ...

    async def release_many(self, releases: Sequence[tuple[Slot, Verdict]]) -> None:
        """``(slot, healthy)`` in order; ``healthy=None``: handed back unused (the breaker does not move)."""
        ...


@dataclass
class _Operator:
    route: Route
    waiters: deque[asyncio.Future[Slot | None]] = field(default_factory=deque)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    pump: asyncio.Task[None] | None = None
    granted: dict[str, float] = field(default_factory=dict)  # held slots here: token → when the inner granted it
    # (loop time the waiter gives up, arrival number, waiter): a waiter served or gone stays until it surfaces
    deadlines: list[tuple[float, int, asyncio.Future[Slot | None]]] = field(default_factory=list)
    expiry: asyncio.TimerHandle | None = None  # set for ``expiry_at``: the earliest deadline still waiting
    expiry_at: float = 0.0
    starts: deque[float] = field(default_factory=deque)  # this process's call starts in the last second

    def forget_old_starts(self, now: float) -> None:
        while self.starts and self.starts[0] <= now - 1.0:
            self.starts.popleft()

    def may_keep(self, slot: Slot, now: float) -> bool:
        """Whether ``slot``, just given back healthy, may go straight to the next waiter here."""
        granted = self.granted.get(slot.token)
        if slot.probe or granted is None or now - granted > KEEP_SECONDS:
            return False
        self.forget_old_starts(now)
        share = self.route.rate_limit_per_second * len(self.granted) / max(1, self.route.max_concurrency)
        return len(self.starts) < share


class PooledRouteLimiter(RouteLimiter):
    def __init__(self, inner: BatchRouteLimiter) -> None:
        self._inner = inner
        self._operators: dict[int, _Operator] = {}
        self._pending: list[tuple[Slot, Verdict]] = []
        self._flush_wanted: asyncio.Event | None = None
        self._flush_now: asyncio.Event | None = None  # cuts short the wait of kept verdicts for company
        self._flusher: asyncio.Task[None] | None = None
        self._flush_lock: asyncio.Lock | None = None
        self._open_cache: tuple[float, set[int]] | None = None
        self._closed = False
        self._arrivals = itertools.count()

    async def acquire(self, route: Route, *, wait_seconds: float) -> Slot | None:
        if self._closed:
            raise RuntimeError("route limiter closed")
        operator = int(route.operator)
        state = self._operators.get(operator)
        if state is None:
            state = self._operators[operator] = _Operator(route)
        state.route = route  # the latest settings
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Slot | None] = loop.create_future()
        state.waiters.append(waiter)
        deadline = loop.time() + max(0.0, wait_seconds)
        heapq.heappush(state.deadlines, (deadline, next(self._arrivals), waiter))
        if state.expiry is None or deadline < state.expiry_at:
            self._expire_at(state, deadline)
        if state.pump is None or state.pump.done():
            state.pump = asyncio.create_task(self._pump(state), name=f"route-limiter-pump-{operator}")
        try:
            return await waiter  # ``None``: the deadline passed (``_expire``) or the breaker refused
        except asyncio.CancelledError:
            self._abandon(waiter)
            raise

    async def release(self, slot: Slot, *, healthy: bool) -> None:
        state = self._operators.get(slot.operator)
        if healthy and state is not None and state.waiters and not self._known_open(slot.operator):
            now = time.monotonic()
            if state.may_keep(slot, now):
                while state.waiters:
                    waiter = state.waiters.popleft()
                    if not waiter.done():
                        waiter.set_result(slot)
                        state.starts.append(now)
                        self._buffer(slot, KEPT, held=True)
                        return
        self._buffer(slot, healthy)

    async def open_operators(self) -> set[int]:
        now = time.monotonic()
        if self._open_cache is not None and now - self._open_cache[0] < OPEN_CACHE_SECONDS:
            return set(self._open_cache[1])
        found = await self._inner.open_operators()
        self._open_cache = (time.monotonic(), found)
        return set(found)

    async def aclose(self) -> None:
        """Answer queued waiters ``None``, let the pumps and the flusher finish what they have on the wire, stop
        them, and flush every buffered release. Nothing is cancelled mid round trip: a Redis call cancelled
        half-way can leave its connection out of step (seen: a hang in the next call on it)."""
        self._closed = True
        for state in self._operators.values():
            if state.expiry is not None:
                state.expiry.cancel()
                state.expiry = None
            state.deadlines.clear()
            while state.waiters:
                waiter = state.waiters.popleft()
                if not waiter.done():
                    waiter.set_result(None)
            state.wake.set()
        pumps = [s.pump for s in self._operators.values() if s.pump is not None and not s.pump.done()]
        if pumps:  # with no waiter left each ends after its current call
            _done, late = await asyncio.wait(pumps, timeout=CLOSE_WAIT)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        if self._flusher is not None:
            if self._flush_lock is None:
                self._flush_lock = asyncio.Lock()
            async with self._flush_lock:  # the flusher is not inside a flush while this is held
                self._flusher.cancel()
            await asyncio.gather(self._flusher, return_exceptions=True)
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
            except asyncio.CancelledError:  # closing: ``aclose`` flushes them (a release twice is harmless)
                self._pending[:0] = batch
                raise
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

    def _expire_at(self, state: _Operator, when: float) -> None:
        if state.expiry is not None:
            state.expiry.cancel()
        state.expiry_at = when
        state.expiry = asyncio.get_running_loop().call_at(when, self._expire, state)

    def _expire(self, state: _Operator) -> None:
        """Answer ``None`` to the waiters whose deadline passed; set the timer for the next one still waiting."""
        state.expiry = None
        now = asyncio.get_running_loop().time()
        heap = state.deadlines
        while heap and (heap[0][2].done() or heap[0][0] <= now):
            _deadline, _n, waiter = heapq.heappop(heap)
            if not waiter.done():
                waiter.set_result(None)
        if heap:
            self._expire_at(state, heap[0][0])

    def _known_open(self, operator: int) -> bool:
        return self._open_cache is not None and operator in self._open_cache[1]

    def _buffer(self, slot: Slot, healthy: Verdict, *, held: bool = False) -> None:
        if not held:  # given back: no longer held here
            state = self._operators.get(slot.operator)
            if state is not None:
                state.granted.pop(slot.token, None)
        self._pending.append((slot, healthy))
        if self._flush_wanted is None or self._flush_now is None:
            self._flush_wanted, self._flush_now = asyncio.Event(), asyncio.Event()
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_loop(), name="route-limiter-flusher")
        self._flush_wanted.set()
        if healthy != KEPT or len(self._pending) >= FLUSH_AT_KEPT:
            self._flush_now.set()

    async def _flush_loop(self) -> None:
        assert self._flush_wanted is not None and self._flush_now is not None
        while True:
            await self._flush_wanted.wait()
            self._flush_wanted.clear()
            if len(self._pending) < FLUSH_AT_KEPT and all(verdict == KEPT for _, verdict in self._pending):
                self._flush_now.clear()
                try:
                    async with asyncio.timeout(KEPT_FLUSH_DELAY):
                        await self._flush_now.wait()
                except TimeoutError:
                    pass
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
            except asyncio.CancelledError:
                self._pending[:0] = releasing  # closing: ``aclose`` flushes them
                raise
            except Exception:
                log.warning("route_limiter_acquire_failed", operator=int(state.route.operator), exc_info=True)
                self._pending[:0] = releasing  # kept, in order: retried with the next call
                await self._pause(state, ERROR_PAUSE)
                continue
            self._woken({slot.operator for slot, _ in releasing} - {int(state.route.operator)})
            slots = deque(granted.slots)
            now = time.monotonic()
            state.forget_old_starts(now)
            for slot in slots:
                state.granted[slot.token] = now
                state.starts.append(now)
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
            backoff = min(MAX_BACKOFF_HOLDING if state.granted else MAX_BACKOFF, backoff * 2)
            await self._pause(state, pause)

    @staticmethod
    async def _pause(state: _Operator, seconds: float) -> None:
        """Sleep ``seconds`` or until this process frees slots of the operator."""
        try:
            async with asyncio.timeout(seconds):
                await state.wake.wait()
        except TimeoutError:
            pass
