"""Stops the endpoint: nothing new is written for it and its pending deliveries are not sent."""

from __future__ import annotations

from kook.application.shared.ports import Clock
from kook.application.webhooks.ports import WebhookUnitOfWork
from kook.domain.shared.errors import NotFound


class DeleteEndpoint:
    """Stops the endpoint: nothing new is written for it and its pending deliveries are not sent."""

    def __init__(self, uow: WebhookUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, customer_id: str, endpoint_id: str) -> None:
        async with self._uow as uow:
            endpoint = await uow.webhooks.endpoint(endpoint_id)
            if endpoint is None or endpoint.customer_id != customer_id or not endpoint.is_active:
                raise NotFound()
            await uow.webhooks.delete_endpoint(endpoint_id, self._clock.now())
            await uow.commit()
