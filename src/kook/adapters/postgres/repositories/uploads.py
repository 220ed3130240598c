"""The uploads of a bulk request: each sheet read, with its counts and headers (``request_uploads``)."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.tables import requests as t
from kook.application.recharges.ports import UploadRecord, UploadRepository


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
