"""``IdempotencyStore`` in SQL: each step its own short transaction; the primary key (owner, key) decides races."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.tables_idempotency import idempotency_keys as k
from kook.application.shared.ports import IdempotencyStore, IdempotentCall, StoredAnswer

ABANDONED_AFTER = timedelta(minutes=5)  # far longer than any call; a call still running keeps its key


class SqlIdempotencyStore(IdempotencyStore):
    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = factory

    def _of(self, call: IdempotentCall) -> sa.ColumnElement[bool]:
        return sa.and_(k.c.owner == call.owner, k.c.key == call.key)

    async def reserve(self, call: IdempotentCall, now: datetime) -> StoredAnswer | None:
        for _ in range(3):  # a row released between our insert and our read: try again
            async with self._factory() as session:
                try:
                    await session.execute(
                        k.insert().values(
                            owner=call.owner,
                            key=call.key,
                            method_path=call.method_path,
                            body_hash=call.body_hash,
                            created_at=now,
                        )
                    )
                    await session.commit()
                    return None
                except IntegrityError:
                    await session.rollback()
                # a reservation whose call never finished (its process died) is given up after a while
                abandoned = await session.execute(
                    k.delete().where(self._of(call), k.c.status_code.is_(None), k.c.created_at < now - ABANDONED_AFTER)
                )
                if abandoned.rowcount:  # type: ignore[attr-defined]
                    await session.commit()
                    continue
                row = (await session.execute(sa.select(k).where(self._of(call)))).first()
                await session.commit()
                if row is not None:
                    return StoredAnswer(row.method_path, row.body_hash, row.status_code, row.response)
        raise RuntimeError("idempotency key could not be reserved")

    async def complete(self, call: IdempotentCall, status_code: int, body: str) -> None:
        async with self._factory() as session:
            await session.execute(k.update().where(self._of(call)).values(status_code=status_code, response=body))
            await session.commit()

    async def release(self, call: IdempotentCall) -> None:
        async with self._factory() as session:
            await session.execute(k.delete().where(self._of(call), k.c.status_code.is_(None)))
            await session.commit()
