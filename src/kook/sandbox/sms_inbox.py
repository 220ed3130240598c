"""The development SMS inbox: what the sandbox "sent", kept in the database so
every process (web, worker) writes to the one inbox that `/api/v1/dev/sms` reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.tables import sandbox as tables_sandbox
from kook.application.shared.ports import Clock, SmsDeliveryError, SmsSender
from kook.domain.shared.mobile import is_normalized_mobile


@dataclass(frozen=True)
class InboxMessage:
    mobile: str
    text: str
    code: str | None
    sent_at: datetime


class SandboxSmsSender(SmsSender):
    def __init__(self, factory: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._factory = factory
        self._clock = clock

    async def send(self, mobile: str, text: str, *, code: str | None = None) -> None:
        if not is_normalized_mobile(mobile):
            raise SmsDeliveryError("not_iranian_mobile", retryable=False)
        async with self._factory() as db, db.begin():
            await db.execute(
                tables_sandbox.sandbox_sms.insert().values(
                    mobile=mobile, text=text, code=code, sent_at=self._clock.now()
                )
            )


class SandboxInbox:
    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = factory

    async def messages(self, mobile: str | None = None, limit: int = 50) -> list[InboxMessage]:
        t = tables_sandbox.sandbox_sms
        query = sa.select(t).order_by(t.c.id.desc()).limit(limit)
        if mobile:
            query = query.where(t.c.mobile == mobile)
        async with self._factory() as db:
            rows = (await db.execute(query)).all()
        return [InboxMessage(mobile=r.mobile, text=r.text, code=r.code, sent_at=r.sent_at) for r in rows]
