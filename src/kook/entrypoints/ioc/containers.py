from __future__ import annotations

from dishka import AsyncContainer, Provider, make_async_container

from kook.entrypoints.ioc.providers import all_providers
from kook.entrypoints.settings import Settings


def make_http_container(settings: Settings, *extra: Provider) -> AsyncContainer:
    return make_async_container(*all_providers(web=True), *extra, context={Settings: settings})


def make_worker_container(settings: Settings, *extra: Provider) -> AsyncContainer:
    return make_async_container(*all_providers(), *extra, context={Settings: settings})
