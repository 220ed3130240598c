from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.base import flush_or_conflict
from kook.adapters.postgres.repositories.customers import keyset_after
from kook.adapters.postgres.tables import identity as tables_identity
from kook.adapters.postgres.tables.customers import customers
from kook.adapters.postgres.tables.messaging import balance_alerts, messages
from kook.adapters.postgres.tables.wallet import wallets
from kook.application.messaging.ports import BalanceAlertRepository, LowBalance, RecipientDirectory
from kook.application.shared.ports import MessageRepository, Position
from kook.domain.messaging.message import Message, MessageKind


class SqlMessageRepository(MessageRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, message: Message) -> None:
        self._session.add(message)
        await flush_or_conflict(self._session)

    async def get(self, message_id: str, *, for_update: bool = False) -> Message | None:
        query = sa.select(Message).where(messages.c.id == message_id)
        if for_update:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def for_user(
        self, user_id: str, *, before: Position | None, limit: int, unread_only: bool = False
    ) -> list[Message]:
        c = messages.c
        query = sa.select(Message).where(c.user_id == user_id)
        if unread_only:
            query = query.where(c.read_at.is_(None))
        if before is not None:
            query = query.where(keyset_after(c.created_at, c.id, before, ascending=False))
        query = query.order_by(c.created_at.desc(), c.id.desc()).limit(limit)
        return list((await self._session.execute(query)).scalars())

    async def unread_count(self, user_id: str) -> int:
        c = messages.c
        query = sa.select(sa.func.count()).select_from(messages).where(c.user_id == user_id, c.read_at.is_(None))
        return int((await self._session.execute(query)).scalar_one())

    async def mark_all_read(self, user_id: str, now: datetime) -> int:
        c = messages.c
        result = await self._session.execute(
            messages.update().where(c.user_id == user_id, c.read_at.is_(None)).values(read_at=now)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def announce_to_all(self, title: str, body: str, now: datetime, new_id: Callable[[], str]) -> int:
        owners = (await self._session.execute(sa.select(customers.c.id, customers.c.owner_user_id))).all()
        rows = [
            {
                "id": new_id(),
                "user_id": owner,
                "customer_id": customer_id,
                "kind": MessageKind.ANNOUNCEMENT.value,
                "title": title,
                "body": body,
                "created_at": now,
            }
            for customer_id, owner in owners
        ]
        for start in range(0, len(rows), 1000):
            await self._session.execute(messages.insert(), rows[start : start + 1000])
        return len(rows)


class SqlBalanceAlertRepository(BalanceAlertRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def threshold_of(self, customer_id: str) -> int | None:
        query = sa.select(balance_alerts.c.threshold).where(balance_alerts.c.customer_id == customer_id)
        found: int | None = (await self._session.execute(query)).scalar_one_or_none()
        return found

    async def set_threshold(self, customer_id: str, threshold: int | None, now: datetime) -> None:
        a = balance_alerts.c
        if threshold is None:
            await self._session.execute(balance_alerts.delete().where(a.customer_id == customer_id))
            return
        # A new threshold is a new line to cross: armed again, judged at the next check.
        changed = await self._session.execute(
            balance_alerts.update()
            .where(a.customer_id == customer_id)
            .values(threshold=threshold, alerted_at=None, updated_at=now)
        )
        if not changed.rowcount:  # type: ignore[attr-defined]
            await self._session.execute(
                balance_alerts.insert().values(customer_id=customer_id, threshold=threshold, updated_at=now)
            )

    async def rearm_recovered(self) -> int:
        a = balance_alerts.c
        result = await self._session.execute(
            balance_alerts.update()
            .where(a.alerted_at.is_not(None), _available(a.customer_id) >= a.threshold)
            .values(alerted_at=None)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def claim_fallen(self, now: datetime, limit: int) -> list[LowBalance]:
        # UPDATE … WHERE alerted_at IS NULL … RETURNING: a second checker waits on the rows the first took
        # and then finds them told (PostgreSQL re-checks the condition), so each crossing is told once.
        a = balance_alerts.c
        fallen = (
            sa.select(a.customer_id)
            .where(a.alerted_at.is_(None), _available(a.customer_id) < a.threshold)
            .limit(limit)
            .scalar_subquery()
        )
        rows = (
            await self._session.execute(
                balance_alerts.update()
                .where(a.customer_id.in_(fallen), a.alerted_at.is_(None))
                .values(alerted_at=now)
                .returning(a.customer_id, a.threshold, _available(a.customer_id).label("available"))
            )
        ).all()
        return [LowBalance(row.customer_id, int(row.threshold), int(row.available)) for row in rows]


def _available(customer_id: Any) -> Any:
    """The wallet's available balance (0 before the wallet's first posting)."""
    w = wallets.c
    return sa.func.coalesce(
        sa.select(w.available).where(w.customer_id == customer_id).correlate(balance_alerts).scalar_subquery(), 0
    )


class SqlRecipientDirectory(RecipientDirectory):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_customer(self, customer_id: str) -> tuple[str, str] | None:
        u = tables_identity.users.c
        query = (
            sa.select(u.id, u.mobile)
            .join(customers, customers.c.owner_user_id == u.id)
            .where(customers.c.id == customer_id)
        )
        row = (await self._session.execute(query)).first()
        return (row.id, row.mobile) if row is not None else None
