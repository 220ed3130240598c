"""Scheduled and repeating requests in SQL: the due query, and a run's lines copied in one INSERT … SELECT."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.requests import _request
from kook.adapters.postgres.tables import requests as t
from kook.adapters.postgres.tables.types import UtcDateTime
from kook.application.recharges.ports import (
    NOT_FUNDED,
    REMINDER,
    SKIPPED,
    RunNote,
    ScheduleRepository,
    StartedRun,
)
from kook.domain.recharges.line import LineStatus
from kook.domain.recharges.request import Request, RequestStatus

R = t.requests.c
L = t.request_lines.c
N = t.request_run_log.c
_NOTICES = (NOT_FUNDED, REMINDER)


def _note(row: Any) -> RunNote:
    return RunNote(
        parent_id=row.parent_id,
        run_at=row.run_at,
        kind=row.kind,
        customer_id=row.customer_id,
        run_number=row.run_number,
        total=row.total,
        available=row.available,
        title=row.title,
        body=row.body,
        sms=row.sms,
    )


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

    async def note(self, note: RunNote, now: datetime, *, claim: bool) -> bool:
        bind = self._session.bind
        dialect = bind.dialect.name if bind is not None else "postgresql"
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(t.request_run_log)
        told = note.kind not in _NOTICES
        statement = insert.values(
            parent_id=note.parent_id,
            run_at=note.run_at,
            kind=note.kind,
            customer_id=note.customer_id,
            run_number=note.run_number,
            total=note.total,
            available=note.available,
            title=note.title,
            body=note.body,
            sms=note.sms,
            created_at=now,
            claimed_at=now if claim or told else None,
            sent_at=now if told else None,
        ).on_conflict_do_nothing(index_elements=["parent_id", "run_at", "kind"])
        result = await self._session.execute(statement)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def claim_unsent(self, now: datetime, lease: timedelta, limit: int) -> list[RunNote]:
        cutoff = now - lease
        free = sa.or_(N.claimed_at.is_(None), N.claimed_at < cutoff)
        rows = await self._session.execute(
            sa.select(t.request_run_log)
            .where(N.sent_at.is_(None), N.kind.in_(_NOTICES), free)
            .order_by(N.created_at)
            .limit(limit)
        )
        claimed: list[RunNote] = []
        for row in rows.all():
            key = (N.parent_id == row.parent_id, N.run_at == row.run_at, N.kind == row.kind)
            taken = await self._session.execute(
                t.request_run_log.update().where(*key, N.sent_at.is_(None), free).values(claimed_at=now)
            )
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(_note(row))
        return claimed

    async def mark_sent(self, note: RunNote, now: datetime) -> None:
        await self._session.execute(
            t.request_run_log.update()
            .where(N.parent_id == note.parent_id, N.run_at == note.run_at, N.kind == note.kind)
            .values(sent_at=now)
        )

    async def notes_of(self, parent_id: str) -> list[RunNote]:
        rows = await self._session.execute(
            sa.select(t.request_run_log)
            .where(N.parent_id == parent_id, N.kind.in_((NOT_FUNDED, SKIPPED)))
            .order_by(N.run_at)
        )
        return [_note(row) for row in rows]

    async def reminder_due(self, now: datetime, horizon: datetime, limit: int) -> list[tuple[str, str]]:
        reminded = sa.exists().where(N.parent_id == R.id, N.run_at == R.next_run_at, N.kind == REMINDER)
        rows = await self._session.execute(
            sa.select(R.id, R.customer_id)
            .where(
                R.status == RequestStatus.SCHEDULED.value,
                R.repeat.is_not(None),
                R.next_run_at > now,
                R.next_run_at <= horizon,
                ~reminded,
            )
            .order_by(R.next_run_at, R.id)
            .limit(limit)
        )
        return [(row.id, row.customer_id) for row in rows]

    async def started_runs(self, parent_id: str) -> list[StartedRun]:
        runs = (
            await self._session.execute(sa.select(t.requests).where(R.parent_id == parent_id).order_by(R.run_number))
        ).all()
        counts: dict[str, dict[str, int]] = {}
        rows = await self._session.execute(
            sa.select(L.request_id, L.status, sa.func.count())
            .select_from(t.request_lines.join(t.requests, L.request_id == R.id))
            .where(R.parent_id == parent_id)
            .group_by(L.request_id, L.status)
        )
        for request_id, status, count in rows:
            counts.setdefault(request_id, {})[status] = int(count)
        found: list[StartedRun] = []
        for row in runs:
            run = _request(row)
            by = counts.get(run.id, {})
            found.append(
                StartedRun(
                    number=run.run_number or 0,
                    request_id=run.id,
                    status=run.status.value,
                    started_at=run.confirmed_at or run.created_at,
                    lines=sum(by.values()),
                    pending=by.get("valid", 0) + by.get("pending", 0) + by.get("sending", 0),
                    succeeded=by.get("succeeded", 0),
                    failed=by.get("failed", 0),
                    unknown=by.get("unknown", 0),
                    total=run.total_held,
                    settled=run.settled,
                    released=run.released,
                    held=run.held,
                )
            )
        return found

    async def scheduled_of(self, customer_id: str) -> list[Request]:
        rows = await self._session.execute(
            sa.select(t.requests)
            .where(R.customer_id == customer_id, R.status == RequestStatus.SCHEDULED.value)
            .order_by(R.next_run_at, R.id)
        )
        return [_request(row) for row in rows]
