"""The calendar context's unit of work."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.calendar import SqlEventRepository, SqlFeedRepository
from kook.adapters.postgres.repositories.messaging import SqlMessageRepository
from kook.adapters.postgres.unit_of_work.base import SqlUnitOfWork
from kook.application.calendar.ports import CalendarUnitOfWork


class SqlCalendarUnitOfWork(SqlUnitOfWork, CalendarUnitOfWork):
    events: SqlEventRepository
    feeds: SqlFeedRepository
    messages: SqlMessageRepository

    def _bind(self, session: AsyncSession) -> None:
        super()._bind(session)
        self.events = SqlEventRepository(session)
        self.feeds = SqlFeedRepository(session)
        self.messages = SqlMessageRepository(session)
