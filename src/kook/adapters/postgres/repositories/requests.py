"""Bulk requests in SQL: Core statements throughout; lines inserted in chunks."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from kook.adapters.postgres import tables_requests as t
from kook.application.recharges.request_ports import (
    LineCounts,
    LineCursor,
    LineRepository,
    LineView,
    RequestRepository,
    UploadRecord,
    UploadRepository,
)
from kook.domain.recharges.request import (
    LineDraft,
    LineStatus,
    ProductKind,
    ProductTotal,
    Request,
    RequestKind,
    RequestStatus,
)

CHUNK = 5_000
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
        for start in range(0, len(lines), CHUNK):
            chunk = [common | _line_values(line) for line in lines[start : start + CHUNK]]
            await self._session.execute(t.request_lines.insert(), chunk)
        return []

    async def _copy(self, connection: AsyncConnection, common: dict[str, Any], lines: Sequence[LineDraft]) -> None:
        """PostgreSQL: COPY the lines in (asyncpg's binary copy), in chunks, inside the session's transaction."""
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        columns = [*common, *_line_values(lines[0])]
        for start in range(0, len(lines), CHUNK):
            records = [tuple((common | _line_values(line)).values()) for line in lines[start : start + CHUNK]]
            await driver.copy_records_to_table(t.request_lines.name, records=records, columns=columns)

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
            duplicates=duplicates,
        )

    async def totals(self, request_id: str) -> list[ProductTotal]:
        rows = await self._session.execute(
            sa.select(L.product, L.package_code, sa.func.max(L.package_title), sa.func.count(), sa.func.sum(L.price))
            .where(L.request_id == request_id, L.status.in_([LineStatus.VALID.value, LineStatus.PENDING.value]))
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


class SqlUploadRepository(UploadRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, upload: UploadRecord) -> None:
        await self._session.execute(
            t.request_uploads.insert().values(
                id=upload.id,
                request_id=upload.request_id,
                customer_id=upload.customer_id,
                kind=upload.kind,
                filename=upload.filename,
                rows=upload.rows,
                valid=upload.valid,
                invalid=upload.invalid,
                duplicates=upload.duplicates,
                headers=json.dumps(upload.headers, ensure_ascii=False),
                created_at=upload.created_at,
            )
        )

    async def get(self, request_id: str, upload_id: str) -> UploadRecord | None:
        c = t.request_uploads.c
        row = (
            await self._session.execute(
                sa.select(t.request_uploads).where(c.request_id == request_id, c.id == upload_id)
            )
        ).first()
        if row is None:
            return None
        return UploadRecord(
            id=row.id,
            request_id=row.request_id,
            customer_id=row.customer_id,
            kind=row.kind,
            filename=row.filename,
            rows=row.rows,
            valid=row.valid,
            invalid=row.invalid,
            duplicates=row.duplicates,
            headers=[str(h) for h in json.loads(row.headers)],
            created_at=row.created_at,
        )
