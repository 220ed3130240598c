from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.tables import identity as tables_identity
from kook.application.identity.ports import SessionStore, WebSession
from kook.application.identity.settings import SessionPolicy


def session_key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SqlSessionStore(SessionStore):
    """Sessions in the database: the embedded default (one process, no Redis)."""

    def __init__(self, factory: async_sessionmaker[AsyncSession], policy: SessionPolicy) -> None:
        self._factory = factory
        self._policy = policy

    async def create(self, session: WebSession) -> None:
        async with self._factory() as db, db.begin():
            await db.execute(
                tables_identity.web_sessions.insert().values(
                    id_hash=session_key(session.id),
                    principal_kind=session.principal_kind,
                    principal_id=session.principal_id,
                    csrf_token=session.csrf_token,
                    created_at=session.created_at,
                    last_seen_at=session.last_seen_at,
                    otp_login=session.otp_login,
                )
            )

    async def get(self, session_id: str) -> WebSession | None:
        t = tables_identity.web_sessions
        async with self._factory() as db:
            row = (await db.execute(sa.select(t).where(t.c.id_hash == session_key(session_id)))).first()
        if row is None:
            return None
        return WebSession(
            id=session_id,
            principal_kind=row.principal_kind,
            principal_id=row.principal_id,
            csrf_token=row.csrf_token,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            otp_login=row.otp_login,
        )

    async def touch(self, session: WebSession, now: datetime) -> None:
        session.last_seen_at = now
        await self.update(session)

    async def update(self, session: WebSession) -> None:
        t = tables_identity.web_sessions
        async with self._factory() as db, db.begin():
            await db.execute(
                t.update()
                .where(t.c.id_hash == session_key(session.id))
                .values(last_seen_at=session.last_seen_at, otp_login=session.otp_login)
            )

    async def delete(self, session_id: str) -> None:
        t = tables_identity.web_sessions
        async with self._factory() as db, db.begin():
            await db.execute(t.delete().where(t.c.id_hash == session_key(session_id)))

    async def delete_for_principal(self, principal_kind: str, principal_id: str, *, keep: str | None = None) -> int:
        t = tables_identity.web_sessions
        query = t.delete().where(t.c.principal_kind == principal_kind, t.c.principal_id == principal_id)
        if keep is not None:
            query = query.where(t.c.id_hash != session_key(keep))
        async with self._factory() as db, db.begin():
            result = await db.execute(query)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def purge(self, now: datetime) -> int:
        t = tables_identity.web_sessions
        query = t.delete().where(
            sa.or_(t.c.last_seen_at < now - self._policy.idle, t.c.created_at < now - self._policy.absolute)
        )
        async with self._factory() as db, db.begin():
            result = await db.execute(query)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
