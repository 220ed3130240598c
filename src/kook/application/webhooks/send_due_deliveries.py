"""``webhooks.send``: leases the due deliveries, POSTs each (signed), records the answer: 2xx delivered; anything
else tried again later with backoff until a day after the event, then failed. A refused destination (the host
now resolves to a private address) is failed at once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from kook.application.shared.ports import Clock
from kook.application.webhooks.ports import (
    WebhookConfig,
    WebhookSecrets,
    WebhookSender,
    WebhookSendError,
    WebhookUnitOfWork,
)
from kook.domain.webhooks.webhook import Delivery, DeliveryStatus, DestinationRefused, retry_delay_seconds, sign

log = structlog.get_logger(__name__)


HEADER_ID = "Kook-Webhook-Id"


HEADER_EVENT = "Kook-Webhook-Event"


HEADER_TIMESTAMP = "Kook-Webhook-Timestamp"


HEADER_SIGNATURE = "Kook-Webhook-Signature"


@dataclass(frozen=True)
class _Attempt:
    delivery_id: str
    at: datetime
    status: str
    http_status: int | None
    error: str | None
    next_attempt_at: datetime | None


@dataclass(frozen=True)
class SendReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


class SendDueDeliveries:
    """``webhooks.send``: leases the due deliveries, POSTs each (signed), records the answer: 2xx delivered; anything
    else tried again later with backoff until a day after the event, then failed. A refused destination (the host
    now resolves to a private address) is failed at once."""

    def __init__(
        self,
        uow: WebhookUnitOfWork,
        sender: WebhookSender,
        secrets: WebhookSecrets,
        clock: Clock,
        config: WebhookConfig,
    ) -> None:
        self._uow = uow
        self._sender = sender
        self._secrets = secrets
        self._clock = clock
        self._config = config

    async def __call__(self) -> SendReport:
        cfg = self._config
        now = self._clock.now()
        async with self._uow as uow:
            due = await uow.webhooks.claim_due(now, now + timedelta(seconds=cfg.lease_seconds), cfg.batch)
            salts: dict[str, str] = {}
            for delivery in due:
                if delivery.endpoint_id not in salts:
                    endpoint = await uow.webhooks.endpoint(delivery.endpoint_id)
                    salts[delivery.endpoint_id] = endpoint.secret_salt if endpoint else ""
            await uow.commit()
        if not due:
            return SendReport()
        gate = asyncio.Semaphore(cfg.concurrency)

        async def one(delivery: Delivery) -> _Attempt:
            async with gate:
                return await self._send(delivery, salts.get(delivery.endpoint_id, ""))

        attempts = await asyncio.gather(*(one(d) for d in due))
        # one transaction records the pass's attempts (the unit of work is not shared by concurrent sends)
        async with self._uow as uow:
            for a in attempts:
                await uow.webhooks.record_attempt(
                    a.delivery_id,
                    now=a.at,
                    status=a.status,
                    http_status=a.http_status,
                    error=a.error,
                    next_attempt_at=a.next_attempt_at,
                )
            await uow.commit()
        outcomes = [a.status for a in attempts]
        return SendReport(
            delivered=outcomes.count(DeliveryStatus.DELIVERED),
            retrying=outcomes.count(DeliveryStatus.PENDING),
            failed=outcomes.count(DeliveryStatus.FAILED),
        )

    async def _send(self, delivery: Delivery, salt: str) -> _Attempt:
        secret = self._secrets.secret_for(delivery.endpoint_id, salt)
        body = delivery.payload.encode()
        timestamp = int(self._clock.now().timestamp())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Kook-Webhooks/1",
            HEADER_ID: delivery.id,
            HEADER_EVENT: delivery.event,
            HEADER_TIMESTAMP: str(timestamp),
            HEADER_SIGNATURE: sign(secret, timestamp, body),
        }
        http_status: int | None = None
        error: str | None = None
        refused = False
        try:
            http_status = await self._sender.post(delivery.url, body, headers)
        except DestinationRefused:
            refused = True
            error = "destination_refused"
        except WebhookSendError as exc:
            error = str(exc)[:200] or "unreachable"
        except Exception as exc:  # never lose the attempt's record to an unexpected error
            log.warning("webhook_send_error", delivery_id=delivery.id, exc_info=True)
            error = type(exc).__name__[:200]
        now = self._clock.now()
        attempts = delivery.attempts + 1
        if http_status is not None and 200 <= http_status < 300:
            status, next_at = DeliveryStatus.DELIVERED, None
        else:
            if error is None:
                error = f"http_{http_status}"
            later = now + timedelta(
                seconds=retry_delay_seconds(attempts, self._config.first_retry_seconds, self._config.max_retry_seconds)
            )
            if refused or later > delivery.give_up_at:
                status, next_at = DeliveryStatus.FAILED, None
            else:
                status, next_at = DeliveryStatus.PENDING, later
        log.info("webhook_attempt", delivery_id=delivery.id, status=status, http_status=http_status, error=error)
        return _Attempt(delivery.id, now, status, http_status, error, next_at)
