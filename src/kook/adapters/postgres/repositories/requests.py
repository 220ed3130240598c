"""Bulk requests in SQL: Core statements throughout; lines inserted in chunks."""

from __future__ import annotations

import enum
import itertools
import json
from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from kook.adapters.postgres.tables import requests as t
from kook.application.recharges.ports import (
    LineCounts,
    LineCursor,
    LineRepository,
    LineView,
)
from kook.application.shared.ports import RequestRepository
from kook.domain.recharges.line import LineDraft, LineStatus, ProductKind
from kook.domain.recharges.request import ProductTotal, Request, RequestKind, RequestStatus
from kook.domain.recharges.schedule import Repeat

CHUNK = 5_000
_FULFILMENT_STATUSES = frozenset({"sending", "succeeded", "failed", "unknown"})
L = t.request_lines.c


def _request(row: Any) -> Request:
    return Request(
        id=row.id,
        customer_id=row.customer_id,
        name=row.name,
        kind=RequestKind(row.kind),
        status=RequestStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        confirmed_at=row.confirmed_at,
        total_held=row.total_held,
        started_at=row.started_at,
        finished_at=row.finished_at,
        settled=row.settled,
        released=row.released,
        notified_at=row.notified_at,
        notice_claimed_at=row.notice_claimed_at,
        schedule_at=row.schedule_at,
        repeat=Repeat.from_json(json.loads(row.repeat)) if row.repeat else None,
        next_run_at=row.next_run_at,
        runs_started=row.runs_started,
        parent_id=row.parent_id,
        run_number=row.run_number,
        skipped=tuple(row.skipped_runs or ()),
    )


def _request_values(request: Request) -> dict[str, Any]:
    return {
        "id": request.id,
        "customer_id": request.customer_id,
        "name": request.name,
        "kind": request.kind.value,
        "status": request.status.value,
        "total_held": request.total_held,
        "created_at": request.created_at,
        "updated_at": request.updated_at,
        "confirmed_at": request.confirmed_at,
        "started_at": request.started_at,
        "finished_at": request.finished_at,
        "settled": request.settled,
        "released": request.released,
        "notified_at": request.notified_at,
        "notice_claimed_at": request.notice_claimed_at,
        "schedule_at": request.schedule_at,
        "repeat": json.dumps(request.repeat.to_json()) if request.repeat is not None else None,
        "next_run_at": request.next_run_at,
        "runs_started": request.runs_started,
        "parent_id": request.parent_id,
        "run_number": request.run_number,
        "skipped_runs": list(request.skipped),
    }


class SqlRequestRepository(RequestRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, request: Request) -> None:
        await self._session.execute(t.requests.insert().values(**_request_values(request)))

    async def get(self, request_id: str, customer_id: str, *, for_update: bool = False) -> Request | None:
        query = sa.select(t.requests).where(t.requests.c.id == request_id, t.requests.c.customer_id == customer_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return _request(row) if row is not None else None

    async def save(self, request: Request) -> None:
        values = _request_values(request)
        del values["id"]
        await self._session.execute(t.requests.update().where(t.requests.c.id == request.id).values(**values))

    async def delete(self, request_id: str) -> None:
        await self._session.execute(t.request_lines.delete().where(L.request_id == request_id))
        await self._session.execute(t.request_uploads.delete().where(t.request_uploads.c.request_id == request_id))
        await self._session.execute(t.requests.delete().where(t.requests.c.id == request_id))

    async def for_customer(self, customer_id: str, *, before: tuple[datetime, str] | None, limit: int) -> list[Request]:
        c = t.requests.c
        query = sa.select(t.requests).where(c.customer_id == customer_id)
        if before is not None:
            moment, ident = before
            query = query.where(sa.or_(c.created_at < moment, sa.and_(c.created_at == moment, c.id < ident)))
        rows = await self._session.execute(query.order_by(c.created_at.desc(), c.id.desc()).limit(limit))
        return [_request(row) for row in rows]

    async def names(self, customer_id: str, request_ids: Collection[str]) -> dict[str, str]:
        c = t.requests.c
        ids = sorted(set(request_ids))
        names: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            query = sa.select(c.id, c.name).where(c.customer_id == customer_id, c.id.in_(ids[start : start + 500]))
            names.update({row.id: row.name for row in await self._session.execute(query)})
        return names


def _line_values(line: LineDraft) -> dict[str, Any]:
    return {
        "source_row": line.source_row,
        "mobile": line.mobile[:32],
        "operator": line.operator,
        "ported": line.ported,
        "product": line.product.value,
        "amount": line.amount,
        "package_code": line.package_code[:32] if line.package_code else None,
        "package_title": line.package_title,
        "price": line.price,
        "status": line.status.value,
        "error_column": line.error_column,
        "error_code": line.error_code,
        "duplicate": line.duplicate,
        "cells": json.dumps(line.cells, ensure_ascii=False, default=str) if line.cells is not None else None,
    }


# The keys of _line_values, in its order: the bulk inserts send plain tuples (_line_records).
_LINE_COLUMNS: tuple[str, ...] = (
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
    "error_column",
    "error_code",
    "duplicate",
    "cells",
)
_TEXT: dict[enum.StrEnum, str] = {member: member.value for kind in (ProductKind, LineStatus) for member in kind}


def _columns(common: dict[str, Any]) -> list[str]:
    return [*common, *_LINE_COLUMNS]


def _line_records(head: tuple[Any, ...], lines: Sequence[LineDraft]) -> Iterator[tuple[Any, ...]]:
    """``head`` + the values of ``_line_values`` (in ``_LINE_COLUMNS`` order) of each line, as plain tuples."""
    text = _TEXT
    for line in lines:
        cells = line.cells
        package_code = line.package_code
        yield (
            *head,
            line.source_row,
            line.mobile[:32],
            line.operator,
            line.ported,
            text[line.product],
            line.amount,
            package_code[:32] if package_code else None,
            line.package_title,
            line.price,
            text[line.status],
            line.error_column,
            line.error_code,
            line.duplicate,
            None if cells is None else json.dumps(cells, ensure_ascii=False, default=str),
        )


def _line(row: Any) -> LineView:
    return LineView(
        id=row.id,
        request_id=row.request_id,
        upload_id=row.upload_id,
        source_row=row.source_row,
        mobile=row.mobile,
        operator=row.operator,
        ported=row.ported,
        product=row.product,
        amount=row.amount,
        package_code=row.package_code,
        package_title=row.package_title,
        price=row.price,
        status=row.status,
        error_column=row.error_column,
        error_code=row.error_code,
        duplicate=row.duplicate,
        cells=json.loads(row.cells) if row.cells else None,
        created_at=row.created_at,
    )


class SqlLineRepository(LineRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_many(
        self, request: Request, upload_id: str | None, lines: Sequence[LineDraft], now: datetime
    ) -> list[int]:
        common = {
            "customer_id": request.customer_id,
            "request_id": request.id,
            "upload_id": upload_id,
            "created_at": now,
        }
        if len(lines) == 1:
            result = await self._session.execute(
                t.request_lines.insert().values(**common, **_line_values(lines[0])).returning(L.id)
            )
            return [int(result.scalar_one())]
        connection = await self._session.connection()
        if connection.dialect.name == "postgresql":
            await self._copy(connection, common, lines)
            return []
        if connection.dialect.paramstyle == "qmark":  # SQLite: one prepared INSERT, executemany of plain tuples
            await self._insert_tuples(connection, common, lines)
            return []
        for start in range(0, len(lines), CHUNK):
            chunk = [common | _line_values(line) for line in lines[start : start + CHUNK]]
            await self._session.execute(t.request_lines.insert(), chunk)
        return []

    async def _copy(self, connection: AsyncConnection, common: dict[str, Any], lines: Sequence[LineDraft]) -> None:
        """PostgreSQL: one COPY (asyncpg's binary copy) inside the session's transaction, the records streamed."""
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        await driver.copy_records_to_table(
            t.request_lines.name, records=_line_records(tuple(common.values()), lines), columns=_columns(common)
        )

    async def _insert_tuples(
        self, connection: AsyncConnection, common: dict[str, Any], lines: Sequence[LineDraft]
    ) -> None:
        """The driver's executemany, in chunks: the per-upload values are bound once, as SQLAlchemy would bind them."""
        dialect = connection.dialect
        head = []
        for name, value in common.items():
            processor = t.request_lines.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            head.append(processor(value) if processor is not None and value is not None else value)
        columns = _columns(common)
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {t.request_lines.name} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 (table names)
        records = _line_records(tuple(head), lines)
        while chunk := list(itertools.islice(records, CHUNK)):
            await connection.exec_driver_sql(sql, chunk)

    async def get(self, request_id: str, line_id: int) -> LineView | None:
        row = (
            await self._session.execute(sa.select(t.request_lines).where(L.request_id == request_id, L.id == line_id))
        ).first()
        return _line(row) if row is not None else None

    async def replace(self, line_id: int, line: LineDraft) -> None:
        await self._session.execute(t.request_lines.update().where(L.id == line_id).values(**_line_values(line)))

    async def delete(self, request_id: str, line_id: int) -> bool:
        result = await self._session.execute(
            t.request_lines.delete().where(L.request_id == request_id, L.id == line_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def _slice(self, request_id: str, condition: Any, after_id: int, limit: int) -> list[LineView]:
        rows = await self._session.execute(
            sa.select(t.request_lines)
            .where(L.request_id == request_id, condition, L.id > after_id)
            .order_by(L.id)
            .limit(limit)
        )
        return [_line(row) for row in rows]

    async def page(
        self, request_id: str, *, status: str | None, after: LineCursor | None, limit: int
    ) -> list[tuple[LineCursor, LineView]]:
        phase, after_id = after if after is not None else (0, 0)
        if status is not None:
            return [((1, v.id), v) for v in await self._slice(request_id, L.status == status, after_id, limit)]
        found: list[tuple[LineCursor, LineView]] = []
        if phase == 0:
            invalid = await self._slice(request_id, L.status == LineStatus.INVALID.value, after_id, limit)
            found = [((0, v.id), v) for v in invalid]
            after_id = 0
        if len(found) < limit:
            rest = await self._slice(request_id, L.status != LineStatus.INVALID.value, after_id, limit - len(found))
            found += [((1, v.id), v) for v in rest]
        return found

    async def valid_mobiles(self, request_id: str, *, excluding: int | None = None) -> set[str]:
        query = sa.select(L.mobile).where(L.request_id == request_id, L.status == LineStatus.VALID.value)
        if excluding is not None:
            query = query.where(L.id != excluding)
        return set((await self._session.execute(query)).scalars())

    async def counts(self, request_id: str) -> LineCounts:
        rows = await self._session.execute(
            sa.select(L.status, sa.func.count(), sa.func.sum(sa.case((L.duplicate, 1), else_=0)))
            .where(L.request_id == request_id)
            .group_by(L.status)
        )
        by_status: dict[str, int] = {}
        duplicates = 0
        for status, count, dupes in rows:
            by_status[status] = int(count)
            duplicates += int(dupes or 0)
        return LineCounts(
            valid=by_status.get("valid", 0),
            invalid=by_status.get("invalid", 0),
            pending=by_status.get("pending", 0),
            cancelled=by_status.get("cancelled", 0),
            fulfilment=sum(n for status, n in by_status.items() if status in _FULFILMENT_STATUSES),
            duplicates=duplicates,
        )

    async def totals(self, request_id: str) -> list[ProductTotal]:
        rows = await self._session.execute(
            sa.select(L.product, L.package_code, sa.func.max(L.package_title), sa.func.count(), sa.func.sum(L.price))
            .where(
                L.request_id == request_id,
                L.status.not_in([LineStatus.INVALID.value, LineStatus.CANCELLED.value]),
            )
            .group_by(L.product, L.package_code)
            .order_by(L.product, L.package_code)
        )
        return [
            ProductTotal(
                product=code if product == ProductKind.PACKAGE.value and code else ProductKind.AIRTIME.value,
                title=title,
                lines=int(count),
                total=int(total or 0),
            )
            for product, code, title, count, total in rows
        ]

    async def set_status(self, request_id: str, old: str, new: str) -> int:
        result = await self._session.execute(
            t.request_lines.update().where(L.request_id == request_id, L.status == old).values(status=new)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def invalid_of_upload(self, request_id: str, upload_id: str) -> list[LineView]:
        rows = await self._session.execute(
            sa.select(t.request_lines)
            .where(L.request_id == request_id, L.status == LineStatus.INVALID.value, L.upload_id == upload_id)
            .order_by(L.source_row, L.id)
        )
        return [_line(row) for row in rows]
