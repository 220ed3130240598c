"""Background exports in the database (``report_exports``): each call its own short transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.tables.reporting import report_exports as e
from kook.application.reporting.ports import ExportRepository, ReportExport

C = e.c


def _export(row: Any) -> ReportExport:
    return ReportExport(
        id=row.id,
        owner_id=row.owner_id,
        customer_id=row.customer_id,
        kind=row.kind,
        filter=row.filter,
        status=row.status,
        rows_total=int(row.rows_total),
        rows_done=int(row.rows_done),
        created_at=row.created_at,
        expires_at=row.expires_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        file_key=row.file_key,
        size=None if row.size is None else int(row.size),
        error=row.error,
    )


class SqlExportRepository(ExportRepository):
    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = factory

    async def _write(self, statement: Any) -> None:
        async with self._factory() as session, session.begin():
            await session.execute(statement)

    async def add(self, export: ReportExport) -> None:
        await self._write(
            e.insert().values(
                id=export.id,
                owner_id=export.owner_id,
                customer_id=export.customer_id,
                kind=export.kind,
                filter=export.filter,
                status=export.status,
                rows_total=export.rows_total,
                rows_done=export.rows_done,
                created_at=export.created_at,
                expires_at=export.expires_at,
            )
        )

    async def get(self, export_id: str) -> ReportExport | None:
        async with self._factory() as session:
            row = (await session.execute(sa.select(e).where(C.id == export_id))).first()
        return None if row is None else _export(row)

    async def claim(self, export_id: str, now: datetime, stale_before: datetime) -> ReportExport | None:
        # one UPDATE decides: two deliveries of the same message never both run it
        claimable = sa.or_(C.status == "queued", sa.and_(C.status == "running", C.started_at < stale_before))
        async with self._factory() as session, session.begin():
            done = await session.execute(
                e.update()
                .where(C.id == export_id, claimable, C.expires_at > now)
                .values(status="running", started_at=now, rows_done=0)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                return None
            row = (await session.execute(sa.select(e).where(C.id == export_id))).one()
        return _export(row)

    async def progress(self, export_id: str, rows_done: int) -> None:
        await self._write(e.update().where(C.id == export_id, C.status == "running").values(rows_done=rows_done))

    async def finish(self, export_id: str, *, file_key: str, size: int, rows: int, now: datetime) -> None:
        await self._write(
            e.update()
            .where(C.id == export_id)
            .values(status="done", file_key=file_key, size=size, rows_done=rows, rows_total=rows, finished_at=now)
        )

    async def fail(self, export_id: str, error: str, now: datetime) -> None:
        await self._write(e.update().where(C.id == export_id).values(status="failed", error=error, finished_at=now))

    async def expired(self, now: datetime) -> list[ReportExport]:
        async with self._factory() as session:
            rows = (await session.execute(sa.select(e).where(C.expires_at <= now).limit(1000))).all()
        return [_export(r) for r in rows]

    async def remove(self, export_ids: list[str]) -> None:
        await self._write(e.delete().where(C.id.in_(export_ids)))

    async def file_keys(self) -> set[str]:
        async with self._factory() as session:
            rows = (await session.execute(sa.select(C.file_key).where(C.file_key.is_not(None)))).scalars().all()
        return {str(k) for k in rows}
