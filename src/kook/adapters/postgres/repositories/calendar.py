"""Events and the calendar feed's secret (SPEC §10)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.repositories.base import flush_or_conflict
from kook.adapters.postgres.tables import identity as tables_identity
from kook.adapters.postgres.tables.messaging import calendar_feeds, events
from kook.adapters.postgres.tables.teams import customer_members
from kook.application.calendar.ports import CustomerLookup, DueReminder, EventRepository, FeedRepository
from kook.domain.calendar.event import Event

E = events.c


class SqlEventRepository(EventRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, event: Event) -> None:
        self._session.add(event)
        await flush_or_conflict(self._session)

    async def get(self, event_id: str, user_id: str, *, for_update: bool = False) -> Event | None:
        query = sa.select(Event).where(E.id == event_id, E.user_id == user_id)
        if for_update:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def save(self, event: Event) -> None:
        await flush_or_conflict(self._session)

    async def delete(self, event: Event) -> None:
        await self._session.delete(event)
        await self._session.flush()

    async def between(self, user_id: str, start: datetime, end: datetime, *, limit: int) -> list[Event]:
        query = (
            sa.select(Event).where(E.user_id == user_id, E.at >= start, E.at < end).order_by(E.at, E.id).limit(limit)
        )
        return list((await self._session.execute(query)).scalars())

    async def claim_due_reminders(self, now: datetime, limit: int) -> list[DueReminder]:
        # One UPDATE … WHERE reminded_at IS NULL … RETURNING: a second scheduler's UPDATE waits on the
        # rows the first one took and, once it commits, finds them claimed (PostgreSQL re-checks the
        # condition on the new row version), so each reminder goes to exactly one claimant.
        due = (
            sa.select(E.id)
            .where(E.reminded_at.is_(None), E.remind_at.is_not(None), E.remind_at <= now)
            .order_by(E.remind_at)
            .limit(limit)
            .scalar_subquery()
        )
        claimed = (
            await self._session.execute(
                events.update()
                .where(E.id.in_(due), E.reminded_at.is_(None))
                .values(reminded_at=now)
                .returning(E.id, E.user_id, E.title, E.at, E.remind_message, E.remind_sms)
            )
        ).all()
        if not claimed:
            return []
        mobiles = dict(
            (
                await self._session.execute(
                    sa.select(tables_identity.users.c.id, tables_identity.users.c.mobile).where(
                        tables_identity.users.c.id.in_({row.user_id for row in claimed})
                    )
                )
            ).all()
        )
        return [
            DueReminder(
                event_id=row.id,
                user_id=row.user_id,
                mobile=mobiles.get(row.user_id, ""),
                title=row.title,
                at=row.at,
                remind_message=bool(row.remind_message),
                remind_sms=bool(row.remind_sms),
            )
            for row in claimed
        ]


class SqlFeedRepository(FeedRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def token_of(self, user_id: str) -> str | None:
        query = sa.select(calendar_feeds.c.token).where(calendar_feeds.c.user_id == user_id)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def set_token(self, user_id: str, token: str, now: datetime) -> None:
        c = calendar_feeds.c
        changed = await self._session.execute(
            calendar_feeds.update().where(c.user_id == user_id).values(token=token, created_at=now)
        )
        if not changed.rowcount:  # type: ignore[attr-defined]
            await self._session.execute(calendar_feeds.insert().values(user_id=user_id, token=token, created_at=now))

    async def user_of(self, token: str) -> str | None:
        query = sa.select(calendar_feeds.c.user_id).where(calendar_feeds.c.token == token)
        return (await self._session.execute(query)).scalar_one_or_none()


class SqlCustomerLookup(CustomerLookup):
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = session_factory

    async def customer_of(self, user_id: str) -> str | None:
        async with self._factory() as session:
            query = sa.select(customer_members.c.customer_id).where(customer_members.c.user_id == user_id).limit(1)
            found: str | None = (await session.execute(query)).scalar_one_or_none()
            return found
