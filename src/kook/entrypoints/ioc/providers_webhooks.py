"""dishka wiring of webhooks: the unit of work, the SSRF-guarded sender, the secrets, the use cases."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.unit_of_work.webhooks import SqlWebhookUnitOfWork
from kook.adapters.webhooks.sender import HmacWebhookSecrets, HttpWebhookSender
from kook.application.shared.ports import Clock
from kook.application.webhooks.delete_endpoint import DeleteEndpoint
from kook.application.webhooks.list_deliveries import ListDeliveries
from kook.application.webhooks.list_endpoints import ListEndpoints
from kook.application.webhooks.ports import WebhookConfig, WebhookSecrets, WebhookSender, WebhookUnitOfWork
from kook.application.webhooks.register_endpoint import RegisterEndpoint
from kook.application.webhooks.replay_delivery import ReplayDelivery
from kook.application.webhooks.send_due_deliveries import SendDueDeliveries
from kook.entrypoints.settings import Settings


class WebhooksInfrastructure(Provider):
    scope = Scope.APP

    @provide
    def config(self, settings: Settings) -> WebhookConfig:
        w = settings.webhook
        return WebhookConfig(
            require_https=settings.env == "prod" if w.require_https is None else w.require_https,
            first_retry_seconds=w.first_retry_seconds,
            max_retry_seconds=w.max_retry_seconds,
        )

    @provide
    async def sender(self, settings: Settings) -> AsyncIterator[WebhookSender]:
        sender = HttpWebhookSender(
            timeout_seconds=settings.webhook.timeout_seconds,
            allow_loopback=settings.webhook.allow_loopback and settings.is_sandbox_env,
        )
        yield sender
        await sender.aclose()

    @provide
    def secrets(self, settings: Settings) -> WebhookSecrets:
        return HmacWebhookSecrets(hashlib.sha256(b"kook-webhook-secrets:" + settings.secret_key.encode()).digest())


class WebhooksUseCases(Provider):
    scope = Scope.REQUEST

    @provide
    def unit_of_work(self, factory: async_sessionmaker[AsyncSession], clock: Clock) -> WebhookUnitOfWork:
        return SqlWebhookUnitOfWork(factory, clock)

    register = provide(RegisterEndpoint)
    list_endpoints = provide(ListEndpoints)
    delete = provide(DeleteEndpoint)
    deliveries = provide(ListDeliveries)
    replay = provide(ReplayDelivery)
    send = provide(SendDueDeliveries)
