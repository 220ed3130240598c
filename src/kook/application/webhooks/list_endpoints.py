"""A customer's webhook endpoints and their delivery log: register (the secret shown once), list, delete, read"""

from __future__ import annotations

from kook.application.webhooks.ports import WebhookUnitOfWork
from kook.domain.webhooks.webhook import WebhookEndpoint


class ListEndpoints:
    def __init__(self, uow: WebhookUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, customer_id: str) -> list[WebhookEndpoint]:
        async with self._uow as uow:
            return await uow.webhooks.endpoints_of(customer_id)
