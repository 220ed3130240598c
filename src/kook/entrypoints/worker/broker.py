"""The Dramatiq broker of a process: Redis in production, Dramatiq's in-memory broker under ``kook serve``.

``build_broker`` makes one with the actors declared on it (not on Dramatiq's global broker); the entrypoint
that builds it (``kook worker``, ``kook scheduler``, ``kook serve``) hands it to its containers as context, and
a process that runs a worker adds the dishka middleware (``kook.entrypoints.worker.runner``). A container given
no broker (``kook web``, tests) builds its own here, when first needed.
"""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import AsyncIO

from kook.entrypoints.settings import Settings
from kook.entrypoints.worker.actors import FULFILMENT_QUEUE, declare_actors
from kook.entrypoints.worker.middleware import BindMessageLogContext, CarryRequestId, JobMetrics

# Measured (ARCHITECTURE "Known traps"): the default 60 s heartbeat left messages
# of killed workers stranded for minutes; 10 s with frequent maintenance brings
# them back in seconds. Actors are idempotent, so a redelivery is harmless.
HEARTBEAT_TIMEOUT_MS = 10_000
MAINTENANCE_CHANCE = 1_000  # of 100,000 broker calls

# Run messages of fulfilment have a queue of their own (``FULFILMENT_QUEUE``), prefetched two at a time per worker
# process. A run works for up to KOOK_FULFILMENT_RUN_SECONDS; with Dramatiq's default prefetch (2 × threads) the
# first worker to poll took every run of a request while the others idled (measured: all four runs of the
# benchmark on one of two workers, its event loop the bottleneck). Two per process spreads a request's runs over
# the workers.
FULFILMENT_PREFETCH = 2

# An idle consumer polls its queue with a growing back-off up to the worker timeout (Dramatiq's default 1 s):
# a request confirmed into an idle system waited up to a second before its first line went out. 250 ms caps
# that wait. The price is idle CPU (every consumer polls and every worker thread wakes that often): measured
# per idle worker process, 8 threads: 0.3% of a core at 1 s, 1.3% at 250 ms, 3.2% at 100 ms.
POLL_MS = 250


class KookWorker(dramatiq.Worker):
    """Dramatiq's worker with the fulfilment queue's own prefetch (see ``FULFILMENT_PREFETCH``) and a short idle
    poll (``POLL_MS``)."""

    def __init__(self, broker: dramatiq.Broker, *, worker_threads: int = 8, worker_timeout: int = POLL_MS) -> None:
        super().__init__(broker, worker_threads=worker_threads, worker_timeout=worker_timeout)

    def _add_consumer(self, queue_name: str, *, delay: bool = False) -> None:
        if queue_name != FULFILMENT_QUEUE:
            super()._add_consumer(queue_name, delay=delay)
            return
        default, self.queue_prefetch = self.queue_prefetch, FULFILMENT_PREFETCH
        try:
            super()._add_consumer(queue_name, delay=delay)
        finally:
            self.queue_prefetch = default


def build_broker(settings: Settings) -> dramatiq.Broker:
    """A broker with the actors declared on it; the caller closes it."""
    broker: dramatiq.Broker
    if settings.redis_url:
        broker = RedisBroker(  # type: ignore[no-untyped-call]
            url=settings.redis_url,
            namespace="kook",
            heartbeat_timeout=HEARTBEAT_TIMEOUT_MS,
            maintenance_chance=MAINTENANCE_CHANCE,
        )
    else:
        broker = StubBroker()
        broker.emit_after("process_boot")
    broker.add_middleware(AsyncIO())
    broker.add_middleware(CarryRequestId())
    broker.add_middleware(BindMessageLogContext())
    broker.add_middleware(JobMetrics())
    declare_actors(broker)
    return broker
