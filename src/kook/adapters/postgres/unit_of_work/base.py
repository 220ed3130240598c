"""One database transaction per ``async with``; repositories share its session.

``SqlUnitOfWork`` manages the session; each context's unit of work (one module
a context in this package) subclasses it and binds its repositories in ``_bind``.
"""

from __future__ import annotations

from typing import Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.repositories.audit import SqlAuditLog
from kook.application.shared.ports import AuditLog, Clock
from kook.domain.shared.errors import Conflict


class SqlUnitOfWork:
    audit: AuditLog

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._factory = session_factory
        self._clock = clock
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside 'async with'")
        return self._session

    def _bind(self, session: AsyncSession) -> None:
        """Create the context's repositories on the transaction's session."""
        self.audit = SqlAuditLog(session, self._clock)

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("unit of work is not re-entrant")
        session = self._factory()
        self._session = session
        self._bind(session)
        return self

    async def __aexit__(self, *exc: object) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        try:
            # Detach first: what was loaded stays readable after the unit of
            # work ends (a rollback would expire it); what was not committed
            # is discarded with the transaction.
            session.expunge_all()
            await session.rollback()
        finally:
            await session.close()

    async def commit(self) -> None:
        try:
            await self.session.commit()
        except IntegrityError as exc:
            await self.session.rollback()
            raise Conflict() from exc
