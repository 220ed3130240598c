from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres import tables
from kook.adapters.postgres.repositories.base import flush_or_conflict
from kook.adapters.postgres.repositories.customers import keyset_after
from kook.adapters.postgres.tables_customers import customers
from kook.adapters.postgres.tables_messaging import messages
from kook.application.messaging.ports import MessageRepository, Position, RecipientDirectory
from kook.domain.messaging.message import Message


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


class SqlRecipientDirectory(RecipientDirectory):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_customer(self, customer_id: str) -> tuple[str, str] | None:
        u = tables.users.c
        query = (
            sa.select(u.id, u.mobile)
            .join(customers, customers.c.owner_user_id == u.id)
            .where(customers.c.id == customer_id)
        )
        row = (await self._session.execute(query)).first()
        return (row.id, row.mobile) if row is not None else None
