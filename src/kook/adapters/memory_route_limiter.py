"""Per-route rate, concurrency cap and circuit breaker in process memory (SPEC §8).

The embedded default: ``kook serve`` without Redis runs its fulfilment workers
in one process, so one object sees every call. The behaviour matches
``RedisRouteLimiter`` (see ``kook.application.fulfilment.limits`` for the
contract):

* concurrency: leased tokens with an expiry (a holder that never releases
  frees its slot after the lease);
* rate: a sliding one-second log of call starts (at most
  ``rate_limit_per_second`` starts in any second);
* breaker: consecutive unhealthy releases; at the threshold it opens until
  ``now + breaker_reset_seconds``; then half-open: one probe (leased like a
  slot) at a time; a healthy probe closes it, an unhealthy one re-opens it.
  Releases of calls admitted before the breaker opened do not move it.

``release`` does not carry the route, so the breaker settings are the ones of
the latest ``acquire`` for the operator. Time comes from the ``Clock`` port.
"""

from __future__ import annotations

import asyncio
import secrets
from collections import deque
from dataclasses import dataclass, field

from kook.application.fulfilment.limits import lease_seconds
from kook.application.fulfilment.ports import RouteLimiter, Slot
from kook.application.shared.ports import Clock
from kook.domain.routing.operator_routing import Route

_MIN_PAUSE = 0.002
_MAX_PAUSE = 0.05


@dataclass
class _State:
    leases: dict[str, float] = field(default_factory=dict)  # token -> lease expiry
    starts: deque[float] = field(default_factory=deque)  # call starts within the last second
    failures: int = 0
    open_until: float | None = None  # set while open or half-open
    probe: tuple[str, float] | None = None  # (token, lease expiry) of the half-open probe
    threshold: int = 1
    reset_seconds: float = 1.0


class MemoryRouteLimiter(RouteLimiter):
    def __init__(self, clock: Clock, *, lease_seconds: float | None = None) -> None:
        self._clock = clock
        self._lease_override = lease_seconds
        self._states: dict[int, _State] = {}
        self._waiters: set[asyncio.Future[None]] = set()

    async def acquire(self, route: Route, *, wait_seconds: float) -> Slot | None:
        operator = int(route.operator)
        state = self._states.setdefault(operator, _State())
        state.threshold = route.breaker_failure_threshold
        state.reset_seconds = float(route.breaker_reset_seconds)
        lease = self._lease_override if self._lease_override is not None else lease_seconds(route)
        deadline = self._now() + max(0.0, wait_seconds)
        while True:
            now = self._now()
            outcome = self._try(state, route, operator, now, lease)
            if outcome is None or isinstance(outcome, Slot):
                return outcome
            remaining = deadline - now
            if remaining <= 0:
                return None
            await self._pause(min(max(outcome, _MIN_PAUSE), _MAX_PAUSE, remaining))

    async def release(self, slot: Slot, *, healthy: bool) -> None:
        state = self._states.get(slot.operator)
        if state is None:
            return
        state.leases.pop(slot.token, None)
        self._wake()
        now = self._now()
        if slot.probe:
            if state.probe is not None and state.probe[0] == slot.token:
                state.probe = None
                state.failures = 0
                state.open_until = None if healthy else now + state.reset_seconds
            return
        if state.open_until is not None:
            return  # admitted before the breaker opened: it already decided
        if healthy:
            state.failures = 0
            return
        state.failures += 1
        if state.failures >= state.threshold:
            state.failures = 0
            state.open_until = now + state.reset_seconds

    async def open_operators(self) -> set[int]:
        now = self._now()
        return {operator for operator, state in self._states.items() if self._blocked(state, now)}

    def _try(self, state: _State, route: Route, operator: int, now: float, lease: float) -> Slot | float | None:
        """A slot, ``None`` when the breaker refuses, or seconds worth waiting before trying again."""
        if self._blocked(state, now):
            return None
        for token in [t for t, expiry in state.leases.items() if expiry <= now]:
            del state.leases[token]
        if len(state.leases) >= route.max_concurrency:
            return _MIN_PAUSE
        while state.starts and state.starts[0] <= now - 1.0:
            state.starts.popleft()
        if len(state.starts) >= route.rate_limit_per_second:
            return state.starts[0] + 1.0 - now
        token = secrets.token_hex(12)
        state.leases[token] = now + lease
        state.starts.append(now)
        probe = state.open_until is not None
        if probe:
            state.probe = (token, now + lease)
        return Slot(operator=operator, token=token, probe=probe)

    @staticmethod
    def _blocked(state: _State, now: float) -> bool:
        """Open, or half-open with its probe still out."""
        if state.open_until is None:
            return False
        if now < state.open_until:
            return True
        if state.probe is not None and state.probe[1] <= now:
            state.probe = None  # the probe's holder never came back
        return state.probe is not None

    async def _pause(self, seconds: float) -> None:
        """Sleep ``seconds``, or less when a slot is released meanwhile."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            async with asyncio.timeout(seconds):
                await waiter
        except TimeoutError:
            pass
        finally:
            self._waiters.discard(waiter)

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, set()
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def _now(self) -> float:
        return self._clock.now().timestamp()
