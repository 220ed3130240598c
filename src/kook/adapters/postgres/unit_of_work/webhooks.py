"""Webhooks' unit of work: endpoints and deliveries."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.webhooks import SqlWebhookRepository
from kook.adapters.postgres.unit_of_work.base import SqlUnitOfWork
from kook.application.webhooks.ports import WebhookUnitOfWork


class SqlWebhookUnitOfWork(SqlUnitOfWork, WebhookUnitOfWork):
    webhooks: SqlWebhookRepository

    def _bind(self, session: AsyncSession) -> None:
        super()._bind(session)
        self.webhooks = SqlWebhookRepository(session)
