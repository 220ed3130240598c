"""A customer's webhook endpoints and their delivery log: register (the secret shown once), list, delete, read"""

from __future__ import annotations

from datetime import datetime

from kook.application.webhooks.ports import WebhookUnitOfWork
from kook.domain.webhooks.webhook import Delivery


class ListDeliveries:
    def __init__(self, uow: WebhookUnitOfWork) -> None:
        self._uow = uow

    async def __call__(
        self,
        customer_id: str,
        *,
        after: tuple[datetime, str] | None = None,
        limit: int = 50,
        endpoint_id: str | None = None,
    ) -> list[Delivery]:
        async with self._uow as uow:
            return await uow.webhooks.deliveries_of(customer_id, after=after, limit=limit, endpoint_id=endpoint_id)
