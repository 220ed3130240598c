"""Fulfilment's work in SQL: claims, outcome updates and the sweeper's queries, in Core statements.

A claim is one ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)
RETURNING``: two workers never take the same line. (SQLite has no row locks;
its single writer — ``BEGIN IMMEDIATE`` — gives the same guarantee.)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.requests import _request
from kook.adapters.postgres.tables import requests as t
from kook.application.fulfilment.ports import ClaimedLine, FulfilmentRepository, UnknownLine
from kook.domain.recharges.fulfilment import FINAL_STATUSES, OPEN_STATUSES, LineChange, LineState
from kook.domain.recharges.line import LineStatus
from kook.domain.recharges.request import IN_FULFILMENT, Request, RequestStatus

L = t.request_lines.c
R = t.requests.c
_IN_FULFILMENT = [s.value for s in IN_FULFILMENT]
_FINISHED = [RequestStatus.COMPLETED.value, RequestStatus.COMPLETED_WITH_FAILURES.value]

_CLAIMED = (
    L.id,
    L.request_id,
    L.customer_id,
    L.mobile,
    L.operator,
    L.product,
    L.amount,
    L.package_code,
    L.price,
    L.attempt,
    L.reference,
)
_STATE = (L.id, L.request_id, L.status, L.attempt, L.price, L.operator, L.checks, L.unknown_since)


def _claimed(row: Any) -> ClaimedLine:
    return ClaimedLine(
        id=row.id,
        request_id=row.request_id,
        customer_id=row.customer_id,
        mobile=row.mobile,
        operator=int(row.operator),
        product=row.product,
        amount=row.amount,
        package_code=row.package_code,
        price=int(row.price),
        attempt=int(row.attempt),
        reference=row.reference,
    )


def _state(row: Any) -> LineState:
    return LineState(
        id=row.id,
        request_id=row.request_id,
        status=row.status,
        attempt=int(row.attempt),
        price=int(row.price),
        operator=int(row.operator or 0),
        checks=int(row.checks),
        unknown_since=row.unknown_since,
    )


_APPLY = (
    t.request_lines.update()
    .where(L.id == sa.bindparam("b_id"))
    .values(
        status=sa.bindparam("b_status"),
        outcome_code=sa.func.coalesce(sa.bindparam("b_code", type_=sa.String()), L.outcome_code),
        provider_ref=sa.func.coalesce(sa.bindparam("b_ref", type_=sa.String()), L.provider_ref),
        finished_at=sa.bindparam("b_finished_at", type_=L.finished_at.type),
        next_check_at=sa.bindparam("b_next_check_at", type_=L.next_check_at.type),
        checks=sa.bindparam("b_checks"),
        unknown_since=sa.bindparam("b_unknown_since", type_=L.unknown_since.type),
        escalated=sa.bindparam("b_escalated", type_=sa.Boolean()),
        attempt=sa.func.coalesce(sa.bindparam("b_attempt", type_=sa.Integer()), L.attempt),
        resolved_by=sa.func.coalesce(sa.bindparam("b_resolved_by", type_=sa.String()), L.resolved_by),
    )
)


class SqlFulfilmentRepository(FulfilmentRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def request(self, request_id: str, *, for_update: bool = False) -> Request | None:
        query = sa.select(t.requests).where(R.id == request_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return _request(row) if row is not None else None

    async def claim(self, request_id: str, *, limit: int, skip_operators: set[int], now: datetime) -> list[ClaimedLine]:
        chosen = sa.select(L.id).where(L.request_id == request_id, L.status == LineStatus.VALID)
        if skip_operators:
            chosen = chosen.where(L.operator.not_in(sorted(skip_operators)))
        chosen = chosen.order_by(L.id).limit(limit).with_for_update(skip_locked=True)
        statement = (
            t.request_lines.update()
            .where(L.id.in_(chosen.scalar_subquery()))
            .values(
                status=LineStatus.SENDING,
                attempt=L.attempt + 1,
                sent_at=now,
                reference=sa.func.coalesce(L.reference, sa.literal("kook-") + sa.cast(L.id, sa.String())),
            )
            .returning(*_CLAIMED)
        )
        rows = (await self._session.execute(statement)).all()
        return sorted((_claimed(row) for row in rows), key=lambda line: line.id)

    async def lock_states(self, line_ids: Sequence[int]) -> list[LineState]:
        if not line_ids:
            return []
        found: list[LineState] = []
        for start in range(0, len(line_ids), 1000):
            part = list(line_ids[start : start + 1000])
            query = sa.select(*_STATE).where(L.id.in_(part)).order_by(L.id).with_for_update()
            found.extend(_state(row) for row in await self._session.execute(query))
        return found

    async def apply(self, changes: Sequence[LineChange], *, resolved_by: str | None = None) -> None:
        if not changes:
            return
        await self._session.execute(
            _APPLY,
            [
                {
                    "b_id": c.id,
                    "b_status": c.status,
                    "b_code": c.code,
                    "b_ref": c.provider_ref,
                    "b_finished_at": c.finished_at,
                    "b_next_check_at": c.next_check_at,
                    "b_checks": c.checks,
                    "b_unknown_since": c.unknown_since,
                    "b_escalated": c.escalated,
                    "b_attempt": c.attempt,
                    "b_resolved_by": resolved_by,
                }
                for c in changes
            ],
        )

    async def open_count(self, request_id: str) -> int:
        query = sa.select(sa.func.count()).where(L.request_id == request_id, L.status.in_(OPEN_STATUSES))
        return int((await self._session.execute(query)).scalar_one())

    async def count_status(self, request_id: str, status: str) -> int:
        query = sa.select(sa.func.count()).where(L.request_id == request_id, L.status == status)
        return int((await self._session.execute(query)).scalar_one())

    async def status_counts(self, request_id: str) -> dict[str, int]:
        rows = await self._session.execute(
            sa.select(L.status, sa.func.count()).where(L.request_id == request_id).group_by(L.status)
        )
        return {status: int(count) for status, count in rows}

    async def stale_sending(self, before: datetime, limit: int) -> list[LineState]:
        rows = await self._session.execute(
            sa.select(*_STATE)
            .where(L.status == LineStatus.SENDING, L.sent_at < before)
            .order_by(L.sent_at)
            .limit(limit)
        )
        return [_state(row) for row in rows]

    async def due_unknown(self, now: datetime, limit: int) -> list[ClaimedLine]:
        rows = await self._session.execute(
            sa.select(*_CLAIMED)
            .where(L.status == LineStatus.UNKNOWN, L.escalated.is_(False), L.next_check_at <= now)
            .order_by(L.next_check_at)
            .limit(limit)
        )
        return [_claimed(row) for row in rows]

    async def requests_to_dispatch(self, idle_before: datetime, limit: int) -> list[str]:
        waiting = sa.exists().where(L.request_id == R.id, L.status == LineStatus.VALID)
        rows = await self._session.execute(
            sa.select(R.id)
            .where(R.status.in_(_IN_FULFILMENT), sa.or_(R.worked_at.is_(None), R.worked_at < idle_before), waiting)
            .order_by(R.confirmed_at)
            .limit(limit)
        )
        return list(rows.scalars())

    async def requests_to_finish(self, limit: int) -> list[str]:
        still_open = sa.exists().where(L.request_id == R.id, L.status.in_(OPEN_STATUSES))
        rows = await self._session.execute(
            sa.select(R.id).where(R.status.in_(_IN_FULFILMENT), ~still_open).limit(limit)
        )
        return list(rows.scalars())

    async def requests_to_notify(self, finished_before: datetime, claimed_before: datetime, limit: int) -> list[str]:
        unclaimed = sa.or_(R.notice_claimed_at.is_(None), R.notice_claimed_at < claimed_before)
        rows = await self._session.execute(
            sa.select(R.id)
            .where(R.status.in_(_FINISHED), R.notified_at.is_(None), R.finished_at < finished_before, unclaimed)
            .limit(limit)
        )
        return list(rows.scalars())

    async def mark_worked(self, request_ids: Sequence[str], now: datetime) -> None:
        if request_ids:
            await self._session.execute(t.requests.update().where(R.id.in_(list(request_ids))).values(worked_at=now))

    async def unknown_lines(self, *, after_id: int | None, limit: int) -> list[UnknownLine]:
        query = (
            sa.select(
                L.id,
                L.request_id,
                R.name,
                L.customer_id,
                L.mobile,
                L.operator,
                L.product,
                L.package_code,
                L.price,
                L.reference,
                L.attempt,
                L.checks,
                L.unknown_since,
                L.escalated,
            )
            .join(t.requests, R.id == L.request_id)
            .where(L.status == LineStatus.UNKNOWN)
        )
        if after_id is not None:
            query = query.where(L.id > after_id)
        rows = await self._session.execute(query.order_by(L.id).limit(limit))
        return [
            UnknownLine(
                id=row.id,
                request_id=row.request_id,
                request_name=row.name,
                customer_id=row.customer_id,
                mobile=row.mobile,
                operator=int(row.operator or 0),
                product=row.product,
                package_code=row.package_code,
                price=int(row.price),
                reference=row.reference or "",
                attempt=int(row.attempt),
                checks=int(row.checks),
                unknown_since=row.unknown_since,
                escalated=bool(row.escalated),
            )
            for row in rows
        ]

    async def line_state(self, line_id: int) -> LineState | None:
        row = (await self._session.execute(sa.select(*_STATE).where(L.id == line_id))).first()
        return _state(row) if row is not None else None

    async def line_resolution(self, line_id: int) -> tuple[str, str | None] | None:
        row = (await self._session.execute(sa.select(L.status, L.resolved_by).where(L.id == line_id))).first()
        if row is None:
            return None
        return (row.status, row.resolved_by if row.status in FINAL_STATUSES else None)
