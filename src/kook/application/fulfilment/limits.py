"""The limits a fulfilment worker keeps per operator route (SPEC §8): a rate,
a concurrency cap and a circuit breaker, shared by every worker process.

``RouteLimiter`` is the port. Adapters: Redis (production: every process of
every machine sees one count) and in-process (``kook serve`` without Redis).

Contract:

* ``acquire(route, wait_seconds)`` waits until the route has a free
  concurrency slot (at most ``route.max_concurrency`` held at once across all
  processes) **and** a rate token (at most ``route.rate_limit_per_second``
  calls started per second), then answers a ``Slot``. It answers ``None``
  without waiting when the route's breaker is open (do not call the
  operator), or when ``wait_seconds`` passed without a slot. A slot is a
  lease: one whose holder died comes back by itself after ``lease_seconds``
  (the route's connect + read timeout plus a margin).
* ``release(slot, healthy=...)`` gives the slot back and tells the breaker how
  the call went: ``healthy=False`` for a transport failure, a 5xx or an
  unknown outcome; a definite answer (succeeded, or failed for a business
  reason) is healthy.
* The breaker: ``route.breaker_failure_threshold`` unhealthy calls in a row
  open it for ``route.breaker_reset_seconds``; then it is half-open: one probe
  call is admitted at a time, a healthy probe closes it, an unhealthy one opens
  it again for another period.
* ``open_operators()`` lists the operators whose breaker is open now (the
  workers do not claim their lines).
"""

from __future__ import annotations

from kook.domain.routing.operator_routing import Route


def lease_seconds(route: Route) -> float:
    """How long a slot stays taken when its holder never gives it back."""
    return (route.connect_timeout_ms + route.read_timeout_ms) / 1000 + 5.0
