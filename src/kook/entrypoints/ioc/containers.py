"""The containers of the processes. The entrypoint that starts a process hands in what it made: the settings,
the broker (``kook.entrypoints.worker.broker.build_broker``), a worker's stop request. A container given no
broker (``kook web``, tests, benchmarks) opens one of its own when something first dispatches, and closes it
with itself."""

from __future__ import annotations

from typing import Any

import dramatiq
from dishka import AsyncContainer, Provider, make_async_container

from kook.adapters.system.shutdown import ProcessShutdown
from kook.application.shared.ports import ShutdownSignal
from kook.entrypoints.ioc.providers import BrokerFromContext, OwnBroker, all_providers
from kook.entrypoints.settings import Settings


def make_http_container(settings: Settings, *extra: Provider, broker: dramatiq.Broker | None = None) -> AsyncContainer:
    """The web server's: its engine skips the per-checkout ping (see ``make_engine``); it runs no worker, so its
    stop request is never set."""
    return _make_container(settings, extra, broker=broker, shutdown=ProcessShutdown(), web=True)


def make_worker_container(
    settings: Settings,
    *extra: Provider,
    broker: dramatiq.Broker | None = None,
    shutdown: ShutdownSignal | None = None,
) -> AsyncContainer:
    """A worker's (and the command line's): the engine pings connections (a retried message costs more than a
    ping); ``shutdown`` is the worker's stop request, which long fulfilment runs watch."""
    return _make_container(settings, extra, broker=broker, shutdown=shutdown or ProcessShutdown(), web=False)


def _make_container(
    settings: Settings,
    extra: tuple[Provider, ...],
    *,
    broker: dramatiq.Broker | None,
    shutdown: ShutdownSignal,
    web: bool,
) -> AsyncContainer:
    context: dict[Any, Any] = {Settings: settings, ShutdownSignal: shutdown}
    if broker is not None:
        context[dramatiq.Broker] = broker
    brokers = BrokerFromContext() if broker is not None else OwnBroker()
    return make_async_container(*all_providers(web=web), brokers, *extra, context=context)
