"""A customer's webhook endpoints and their delivery log: register (the secret shown once), list, delete, read
the log, replay a delivery; and the worker's pass that sends what is due."""

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
from kook.domain.shared.errors import Conflict, NotFound
from kook.domain.shared.ids import new_id
from kook.domain.webhooks.webhook import (
    Delivery,
    DeliveryStatus,
    DestinationRefused,
    WebhookEndpoint,
    check_events,
    check_url,
    retry_delay_seconds,
    sign,
)

log = structlog.get_logger(__name__)

HEADER_ID = "Kook-Webhook-Id"
HEADER_EVENT = "Kook-Webhook-Event"
HEADER_TIMESTAMP = "Kook-Webhook-Timestamp"
HEADER_SIGNATURE = "Kook-Webhook-Signature"


class RegisterEndpoint:
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

    async def __call__(
        self, customer_id: str, user_id: str, url: str, events: list[str]
    ) -> tuple[WebhookEndpoint, str]:
        """The stored endpoint and its signing secret (shown once). The URL must resolve to public addresses."""
        cleaned = check_url(url, require_https=self._config.require_https)
        chosen = check_events(events)
        await self._sender.check_destination(cleaned)
        endpoint = WebhookEndpoint(
            id=new_id(),
            customer_id=customer_id,
            url=cleaned,
            events=chosen,
            secret_salt=self._secrets.new_salt(),
            created_by=user_id,
            created_at=self._clock.now(),
        )
        async with self._uow as uow:
            active = await uow.webhooks.endpoints_of(customer_id)
            if len(active) >= self._config.max_endpoints:
                raise Conflict(details={"max_endpoints": self._config.max_endpoints})
            await uow.webhooks.add_endpoint(endpoint)
            await uow.commit()
        return endpoint, self._secrets.secret_for(endpoint.id, endpoint.secret_salt)


class ListEndpoints:
    def __init__(self, uow: WebhookUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, customer_id: str) -> list[WebhookEndpoint]:
        async with self._uow as uow:
            return await uow.webhooks.endpoints_of(customer_id)


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
