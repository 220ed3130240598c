"""Scheduled and repeating requests in SQL: the due query, and a run's lines copied in one INSERT … SELECT."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres import tables_requests as t
from kook.adapters.postgres.types import UtcDateTime
from kook.application.recharges.schedule_ports import ScheduleRepository
from kook.domain.recharges.request import LineStatus, Request, RequestStatus

R = t.requests.c
L = t.request_lines.c
_COPIED = (
    "upload_id",
    "source_row",
    "mobile",
    "operator",
    "ported",
    "product",
    "amount",
    "package_code",
    "package_title",
    "price",
    "status",
    "duplicate",
)


class SqlScheduleRepository(ScheduleRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def due(self, now: datetime, limit: int) -> list[tuple[str, str]]:
        rows = await self._session.execute(
            sa.select(R.id, R.customer_id)
            .where(R.status == RequestStatus.SCHEDULED.value, R.next_run_at <= now)
            .order_by(R.next_run_at, R.id)
            .limit(limit)
        )
        return [(row.id, row.customer_id) for row in rows]

    async def run_of(self, parent_id: str, run_number: int) -> str | None:
        found = await self._session.execute(sa.select(R.id).where(R.parent_id == parent_id, R.run_number == run_number))
        return found.scalar_one_or_none()

    async def copy_lines(self, template: Request, run: Request, now: datetime) -> int:
        source = sa.select(
            sa.literal(run.customer_id, sa.String()),
            sa.literal(run.id, sa.String()),
            *(L[name] for name in _COPIED),
            sa.literal(now, UtcDateTime()),
        ).where(L.request_id == template.id, L.status == LineStatus.VALID.value)
        result = await self._session.execute(
            sa.insert(t.request_lines).from_select(["customer_id", "request_id", *_COPIED, "created_at"], source)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
