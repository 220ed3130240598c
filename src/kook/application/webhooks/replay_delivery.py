"""Sends a delivery again, with the same id (a receiver that has it already ignores it), tried for a day."""

from __future__ import annotations

from datetime import timedelta

from kook.application.shared.ports import Clock
from kook.application.webhooks.ports import WebhookConfig, WebhookUnitOfWork
from kook.domain.shared.errors import Conflict, NotFound


class ReplayDelivery:
    """Sends a delivery again, with the same id (a receiver that has it already ignores it), tried for a day."""

    def __init__(self, uow: WebhookUnitOfWork, clock: Clock, config: WebhookConfig) -> None:
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self, customer_id: str, delivery_id: str) -> None:
        now = self._clock.now()
        async with self._uow as uow:
            delivery = await uow.webhooks.delivery(delivery_id)
            if delivery is None or delivery.customer_id != customer_id:
                raise NotFound()
            endpoint = await uow.webhooks.endpoint(delivery.endpoint_id)
            if endpoint is None or not endpoint.is_active:
                raise Conflict(details={"reason": "endpoint_deleted"})
            await uow.webhooks.replay(delivery_id, now, now + timedelta(seconds=self._config.retry_for_seconds))
            await uow.commit()
