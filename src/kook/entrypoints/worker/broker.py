"""The Dramatiq broker, with dishka wired in: one container per worker
process (built after boot), one REQUEST scope per message.

Redis in production; Dramatiq's in-memory broker with an in-process worker
under ``kook serve``. The broker is set before the actor module is imported.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

import dramatiq
import structlog
from dishka import AsyncContainer
from dishka.integrations.base import wrap_injection
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.broker import MessageProxy
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import AsyncIO, Middleware

from kook.entrypoints.ioc.containers import make_worker_container
from kook.entrypoints.settings import Settings

P = ParamSpec("P")
T = TypeVar("T")
log = structlog.get_logger(__name__)

# Measured (ARCHITECTURE "Known traps"): the default 60 s heartbeat left messages
# of killed workers stranded for minutes; 10 s with frequent maintenance brings
# them back in seconds. Actors are idempotent, so a redelivery is harmless.
HEARTBEAT_TIMEOUT_MS = 10_000
MAINTENANCE_CHANCE = 1_000  # of 100,000 broker calls

# Run messages of fulfilment have a queue of their own, prefetched two at a time per worker process. A run
# works for up to KOOK_FULFILMENT_RUN_SECONDS; with Dramatiq's default prefetch (2 × threads) the first worker
# to poll took every run of a request while the others idled (measured: all four runs of the benchmark on one
# of two workers, its event loop the bottleneck). Two per process spreads a request's runs over the workers.
FULFILMENT_QUEUE = "fulfilment"
FULFILMENT_PREFETCH = 2

_container: AsyncContainer | None = None


# An idle consumer polls its queue with a growing back-off up to the worker timeout (Dramatiq's default 1 s):
# a request confirmed into an idle system waited up to a second before its first line went out. 250 ms caps
# that wait. The price is idle CPU (every consumer polls and every worker thread wakes that often): measured
# per idle worker process, 8 threads: 0.3% of a core at 1 s, 1.3% at 250 ms, 3.2% at 100 ms.
POLL_MS = 250


class KookWorker(dramatiq.Worker):
    """Dramatiq's worker with the fulfilment queue's own prefetch (see ``FULFILMENT_QUEUE``) and a short idle
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


def current_container() -> AsyncContainer:
    if _container is None:
        raise RuntimeError("the worker's container is not built yet")
    return _container


class DishkaMiddleware(Middleware):
    """Builds the worker container before the worker threads start; closes it on shutdown."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def before_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        # before: the worker threads take messages as soon as they start, ahead of after_worker_boot
        from kook.adapters.system.shutdown import clear_shutdown

        clear_shutdown()
        global _container
        _container = make_worker_container(self._settings)
        log.info("worker_started", queues=sorted(broker.get_declared_queues()))

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        # first: the messages in progress see it and hand back what they have not started (fulfilment runs
        # give their claimed, unsent lines back and hand the request over to another worker)
        from kook.adapters.system.shutdown import request_shutdown

        request_shutdown()
        log.info("worker_stopping_messages")

    def after_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        # after the worker threads finished their messages (not before: they still use the container), before
        # the AsyncIO middleware stops the event loop (after-hooks run in reverse order of the middleware)
        from kook.adapters.system.shutdown import clear_shutdown

        global _container
        container, _container = _container, None
        if container is not None:
            get_event_loop_thread().run_coroutine(container.close())  # type: ignore[union-attr]
        clear_shutdown()  # every message has finished: a process that goes on (tests, serve) works normally again
        log.info("worker_stopped")


REQUEST_ID_OPTION = "request_id"


class CarryRequestId(Middleware):
    """Every message enqueued while a request id is bound (an HTTP request, or a message that carried one) carries
    it in its options, so the jobs a request starts log under the same id."""

    def before_enqueue(self, broker: dramatiq.Broker, message: dramatiq.Message[Any], delay: int | None) -> None:
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        if request_id and REQUEST_ID_OPTION not in message.options:
            message.options[REQUEST_ID_OPTION] = str(request_id)


class BindMessageLogContext(Middleware):
    """Binds the message's id, actor and (when it carries one) request id to every log line of its processing.

    Bound on the worker thread; the actor's coroutine sees it too (the event loop thread runs it in a copy of the
    submitting thread's context)."""

    def before_process_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(job_id=message.message_id, actor=message.actor_name)
        request_id = message.options.get(REQUEST_ID_OPTION)
        if isinstance(request_id, str) and request_id:
            structlog.contextvars.bind_contextvars(request_id=request_id)

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: MessageProxy,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        structlog.contextvars.clear_contextvars()


class JobMetrics(Middleware):
    """Counts each processed message by actor and outcome (succeeded, failed, skipped) with its duration."""

    def __init__(self) -> None:
        self._started: dict[str, float] = {}
        self._lock = threading.Lock()

    def before_process_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        with self._lock:
            self._started[message.message_id] = time.perf_counter()

    def _took(self, message: MessageProxy) -> float | None:
        with self._lock:
            started = self._started.pop(message.message_id, None)
        return None if started is None else time.perf_counter() - started

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: MessageProxy,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        from kook.adapters.metrics.prometheus import observe_job

        observe_job(message.actor_name, "failed" if exception is not None else "succeeded", self._took(message))

    def after_skip_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        from kook.adapters.metrics.prometheus import observe_job

        observe_job(message.actor_name, "skipped", self._took(message))


def build_broker(settings: Settings) -> dramatiq.Broker:
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
    broker.add_middleware(DishkaMiddleware(settings))
    broker.add_middleware(CarryRequestId())
    broker.add_middleware(BindMessageLogContext())
    broker.add_middleware(JobMetrics())
    return broker


_broker: dramatiq.Broker | None = None


def setup_broker(settings: Settings) -> dramatiq.Broker:
    """Set the global broker once per process, then register the actors on it."""
    global _broker
    if _broker is None:
        _broker = build_broker(settings)
        dramatiq.set_broker(_broker)
        importlib.import_module("kook.entrypoints.worker.actors")
    return _broker


def kook_actor(name: str, **options: Any) -> Callable[[Callable[P, Awaitable[T]]], Any]:
    """An async actor named ``<context>.<verb>`` whose FromDishka parameters are injected per message."""

    def decorate(fn: Callable[P, Awaitable[T]]) -> Any:
        injected = wrap_injection(
            func=fn,
            container_getter=lambda _args, _kwargs: current_container(),
            is_async=True,
            manage_scope=True,
        )
        return dramatiq.actor(actor_name=name, **options)(injected)

    return decorate
