"""Webhook endpoints, deliveries and the outbox, with Core statements (no ORM object per delivery)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.tables.webhooks import webhook_deliveries as D
from kook.adapters.postgres.tables.webhooks import webhook_endpoints as E
from kook.application.shared.ports import Clock, WebhookOutbox
from kook.application.webhooks.ports import WebhookRepository
from kook.domain.shared.ids import new_id
from kook.domain.webhooks.webhook import RETRY_FOR_SECONDS, Delivery, DeliveryStatus, WebhookEndpoint

_DELIVERY_COLUMNS = [c for c in D.c if c.name not in ("lease_until",)]


def _endpoint(row: Any) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=row.id,
        customer_id=row.customer_id,
        url=row.url,
        events=row.events,
        secret_salt=row.secret_salt,
        created_by=row.created_by,
        created_at=row.created_at,
        deleted_at=row.deleted_at,
    )


def _delivery(row: Any, url: str = "") -> Delivery:
    return Delivery(
        id=row.id,
        endpoint_id=row.endpoint_id,
        customer_id=row.customer_id,
        event=row.event,
        payload=row.payload,
        status=row.status,
        attempts=row.attempts,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        give_up_at=row.give_up_at,
        last_attempt_at=row.last_attempt_at,
        last_status=row.last_status,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
        url=url,
    )


def event_body(delivery_id: str, event: str, created_at: datetime, data: Mapping[str, Any]) -> str:
    """The JSON body a receiver gets (its bytes are what is signed)."""
    document = {"id": delivery_id, "event": event, "created_at": created_at.isoformat(), "data": dict(data)}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str)


class SqlWebhookOutbox(WebhookOutbox):
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def record(self, customer_id: str, event: str, items: Sequence[Mapping[str, Any]]) -> int:
        if not items:
            return 0
        query = sa.select(E.c.id, E.c.events).where(E.c.customer_id == customer_id, E.c.deleted_at.is_(None))
        endpoints = [row.id for row in await self._session.execute(query) if event in row.events.split()]
        if not endpoints:
            return 0
        now = self._clock.now()
        give_up = now + timedelta(seconds=RETRY_FOR_SECONDS)
        rows = []
        for endpoint_id in endpoints:
            for item in items:
                delivery_id = new_id()
                rows.append(
                    {
                        "id": delivery_id,
                        "endpoint_id": endpoint_id,
                        "customer_id": customer_id,
                        "event": event,
                        "payload": event_body(delivery_id, event, now, item),
                        "status": DeliveryStatus.PENDING.value,
                        "attempts": 0,
                        "created_at": now,
                        "next_attempt_at": now,
                        "give_up_at": give_up,
                    }
                )
        await self._session.execute(sa.insert(D), rows)
        return len(rows)


class SqlWebhookRepository(WebhookRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        await self._session.execute(
            sa.insert(E).values(
                id=endpoint.id,
                customer_id=endpoint.customer_id,
                url=endpoint.url,
                events=endpoint.events,
                secret_salt=endpoint.secret_salt,
                created_by=endpoint.created_by,
                created_at=endpoint.created_at,
                deleted_at=endpoint.deleted_at,
            )
        )

    async def endpoint(self, endpoint_id: str) -> WebhookEndpoint | None:
        row = (await self._session.execute(sa.select(E).where(E.c.id == endpoint_id))).first()
        return _endpoint(row) if row is not None else None

    async def endpoints_of(self, customer_id: str) -> list[WebhookEndpoint]:
        query = (
            sa.select(E)
            .where(E.c.customer_id == customer_id, E.c.deleted_at.is_(None))
            .order_by(E.c.created_at.desc(), E.c.id.desc())
        )
        return [_endpoint(row) for row in await self._session.execute(query)]

    async def delete_endpoint(self, endpoint_id: str, now: datetime) -> None:
        await self._session.execute(sa.update(E).where(E.c.id == endpoint_id).values(deleted_at=now))
        await self._session.execute(
            sa.update(D)
            .where(D.c.endpoint_id == endpoint_id, D.c.status == DeliveryStatus.PENDING.value)
            .values(status=DeliveryStatus.FAILED.value, next_attempt_at=None, last_error="endpoint_deleted")
        )

    async def deliveries_of(
        self, customer_id: str, *, after: tuple[datetime, str] | None, limit: int, endpoint_id: str | None = None
    ) -> list[Delivery]:
        query = (
            sa.select(*_DELIVERY_COLUMNS, E.c.url)
            .join(E, E.c.id == D.c.endpoint_id)
            .where(D.c.customer_id == customer_id)
        )
        if endpoint_id is not None:
            query = query.where(D.c.endpoint_id == endpoint_id)
        if after is not None:
            moment, ident = after
            query = query.where(
                sa.tuple_(D.c.created_at, D.c.id) < sa.tuple_(sa.literal(moment, D.c.created_at.type), ident)
            )
        query = query.order_by(D.c.created_at.desc(), D.c.id.desc()).limit(limit)
        return [_delivery(row, row.url) for row in await self._session.execute(query)]

    async def delivery(self, delivery_id: str) -> Delivery | None:
        query = sa.select(*_DELIVERY_COLUMNS, E.c.url).join(E, E.c.id == D.c.endpoint_id).where(D.c.id == delivery_id)
        row = (await self._session.execute(query)).first()
        return _delivery(row, row.url) if row is not None else None

    async def replay(self, delivery_id: str, now: datetime, give_up_at: datetime) -> None:
        await self._session.execute(
            sa.update(D)
            .where(D.c.id == delivery_id)
            .values(
                status=DeliveryStatus.PENDING.value,
                attempts=0,
                next_attempt_at=now,
                give_up_at=give_up_at,
                lease_until=None,
                delivered_at=None,
            )
        )

    async def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[Delivery]:
        due = (
            sa.select(D.c.id)
            .where(
                D.c.status == DeliveryStatus.PENDING.value,
                D.c.next_attempt_at <= now,
                sa.or_(D.c.lease_until.is_(None), D.c.lease_until < now),
            )
            .order_by(D.c.next_attempt_at, D.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list((await self._session.execute(due)).scalars())
        if not ids:
            return []
        await self._session.execute(sa.update(D).where(D.c.id.in_(ids)).values(lease_until=lease_until))
        query = (
            sa.select(*_DELIVERY_COLUMNS, E.c.url)
            .join(E, E.c.id == D.c.endpoint_id)
            .where(D.c.id.in_(ids))
            .order_by(D.c.next_attempt_at, D.c.id)
        )
        return [_delivery(row, row.url) for row in await self._session.execute(query)]

    async def record_attempt(
        self,
        delivery_id: str,
        *,
        now: datetime,
        status: str,
        http_status: int | None,
        error: str | None,
        next_attempt_at: datetime | None,
    ) -> None:
        await self._session.execute(
            sa.update(D)
            .where(D.c.id == delivery_id)
            .values(
                status=status,
                attempts=D.c.attempts + 1,
                last_attempt_at=now,
                last_status=http_status,
                last_error=error,
                next_attempt_at=next_attempt_at,
                lease_until=None,
                delivered_at=now if status == DeliveryStatus.DELIVERED.value else None,
            )
        )
