"""Starting a worker on a broker the entrypoint built: its container comes from ``make_worker_container``, with
the broker and the worker's stop request handed in as context."""

from __future__ import annotations

import dramatiq
from dishka import AsyncContainer

from kook.adapters.system.shutdown import ProcessShutdown
from kook.entrypoints.ioc.containers import make_worker_container
from kook.entrypoints.settings import Settings
from kook.entrypoints.worker.broker import KookWorker
from kook.entrypoints.worker.middleware import DishkaMiddleware


def make_worker(settings: Settings, broker: dramatiq.Broker, *, threads: int) -> KookWorker:
    """A worker on ``broker`` (from ``build_broker``): one container per process, built when it starts."""

    def make_container(shutdown: ProcessShutdown) -> AsyncContainer:
        return make_worker_container(settings, broker=broker, shutdown=shutdown)

    broker.add_middleware(DishkaMiddleware(make_container))
    return KookWorker(broker, worker_threads=threads)
