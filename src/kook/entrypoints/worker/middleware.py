"""The worker's Dramatiq middleware: dishka (one container per worker process, one REQUEST scope per message),
the request id carried from the enqueuer to the job's log lines, and the job metrics."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import dramatiq
import structlog
from dishka import AsyncContainer
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.broker import MessageProxy
from dramatiq.middleware import Middleware

from kook.adapters.metrics.prometheus import observe_job
from kook.adapters.system.shutdown import ProcessShutdown

log = structlog.get_logger(__name__)


class DishkaMiddleware(Middleware):
    """Builds the worker's container before the worker threads start (``make_container``, given by the entrypoint
    that starts the worker, with this worker's stop request); closes it when they have finished.

    The actors find it through their broker (``worker_container``): no module keeps a container."""

    def __init__(self, make_container: Callable[[ProcessShutdown], AsyncContainer]) -> None:
        self._make_container = make_container
        self._shutdown = ProcessShutdown()
        self.container: AsyncContainer | None = None

    def before_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        # before: the worker threads take messages as soon as they start, ahead of after_worker_boot
        self._shutdown.clear()
        self.container = self._make_container(self._shutdown)
        log.info("worker_started", queues=sorted(broker.get_declared_queues()))

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        # first: the messages in progress see it and hand back what they have not started (fulfilment runs
        # give their claimed, unsent lines back and hand the request over to another worker)
        self._shutdown.request()
        log.info("worker_stopping_messages")

    def after_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        # after the worker threads finished their messages (not before: they still use the container), before
        # the AsyncIO middleware stops the event loop (after-hooks run in reverse order of the middleware: this
        # one is added after AsyncIO)
        container, self.container = self.container, None
        if container is not None:
            get_event_loop_thread().run_coroutine(container.close())  # type: ignore[union-attr]
        self._shutdown.clear()  # every message has finished: a worker started again works normally
        log.info("worker_stopped")


def worker_container(broker: dramatiq.Broker) -> AsyncContainer:
    """The container of the worker running on ``broker`` (the actors' ``FromDishka`` parameters come from it)."""
    for middleware in broker.middleware:
        if isinstance(middleware, DishkaMiddleware) and middleware.container is not None:
            return middleware.container
    raise RuntimeError("the worker's container is not built yet")


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
        observe_job(message.actor_name, "failed" if exception is not None else "succeeded", self._took(message))

    def after_skip_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        observe_job(message.actor_name, "skipped", self._took(message))
