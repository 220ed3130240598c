"""JSON API of the report exports (API.md "Reports"): ریز تراکنش as an ``.xlsx`` streamed at once (up to
50,000 rows), or made in the background, any size, and kept a day for its owner; and the file responses the
report routes stream. (Split from ``api/reports.py``, which keeps the report pages themselves.)"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody
from litestar.response import Stream
from litestar.status_codes import HTTP_202_ACCEPTED

from kook.application.reporting.download_export import DownloadExport
from kook.application.reporting.export_transactions import ExportedFile
from kook.application.reporting.get_export_status import GetExportStatus
from kook.application.reporting.ports import ReportExport, TransactionQuery
from kook.application.reporting.start_transaction_export import StartTransactionExport
from kook.entrypoints.http.api.request_models import XLSX
from kook.entrypoints.http.session_customer import customer_of

Req = Request[Any, Any, Any]


# --- exports: a file streamed at once (up to 50,000 rows), or made in the background and kept a day ---------

_CHUNK = 256 * 1024


async def _file_chunks(path: str, *, remove: bool) -> AsyncIterator[bytes]:
    handle = await asyncio.to_thread(open, path, "rb")
    try:
        while chunk := await asyncio.to_thread(handle.read, _CHUNK):
            yield chunk
    finally:
        await asyncio.to_thread(handle.close)
        if remove:
            await asyncio.to_thread(_unlink, path)


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def xlsx_file_response(path: str, filename: str, *, remove: bool) -> Stream:
    """The file streamed in chunks (never whole in memory); ``remove``: deleted once sent (or abandoned)."""
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
        "Content-Length": str(os.path.getsize(path)),
    }
    return Stream(_file_chunks(path, remove=remove), media_type=XLSX, headers=headers)


def exported_file_response(exported: ExportedFile, filename: str) -> Stream:
    return xlsx_file_response(exported.path, filename, remove=True)


class TransactionFilterIn(msgspec.Struct, forbid_unknown_fields=True):
    start: str | None = msgspec.field(default=None, name="from")
    end: str | None = msgspec.field(default=None, name="to")
    status: str | None = None
    operator: str | None = None
    product: str | None = None
    package: str | None = None
    request_id: str | None = None
    mobile: str | None = None

    def query(self) -> TransactionQuery:
        return TransactionQuery(
            start=self.start,
            end=self.end,
            status=self.status,
            operator=self.operator,
            product=self.product,
            package_code=self.package,
            request_id=self.request_id,
            mobile=self.mobile,
        )


class ExportIn(msgspec.Struct, forbid_unknown_fields=True):
    filter: TransactionFilterIn = msgspec.field(default_factory=TransactionFilterIn)


class ExportOut(msgspec.Struct):
    id: str
    status: str  # queued | running | done | failed
    rows_total: int
    rows_done: int
    percent: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime
    file_url: str | None  # when done
    error: str | None


def export_out(export: ReportExport) -> ExportOut:
    return ExportOut(
        id=export.id,
        status=export.status,
        rows_total=export.rows_total,
        rows_done=export.rows_done,
        percent=export.percent,
        created_at=export.created_at,
        started_at=export.started_at,
        finished_at=export.finished_at,
        expires_at=export.expires_at,
        file_url=f"/api/v1/reports/exports/{export.id}/file" if export.status == "done" else None,
        error=export.error,
    )


class ReportExportsController(Controller):
    path = "/api/v1/reports"
    tags = ["reports"]

    @post("/transactions/exports", status_code=HTTP_202_ACCEPTED)
    @inject
    async def start_transactions_export(
        self, request: Req, start_transaction_export: FromDishka[StartTransactionExport], data: JSONBody[ExportIn]
    ) -> ExportOut:
        """ریز تراکنش as an Excel file made in the background, any size: 202 with the export's ``id`` and
        ``status``. Body: ``{"filter": {from, to, status, operator, product, package, request_id, mobile}}``
        (as the GET's query; a bad filter → 422 ``validation_error`` and nothing is queued). Follow it with
        ``GET /api/v1/reports/exports/{id}``; the file is kept for a day, for its owner only."""
        customer_id, user_id, _ = await customer_of(request)
        export = await start_transaction_export(user_id, customer_id, data.filter.query())
        return export_out(export)

    @get("/exports/{export_id:str}")
    @inject
    async def export_status(
        self, request: Req, export_status: FromDishka[GetExportStatus], export_id: FromPath[str]
    ) -> ExportOut:
        """A background export's status and progress (rows done of rows total); 404 ``export_not_found``
        for anyone but the person who asked for it, and once it expired."""
        _, user_id, _ = await customer_of(request)
        return export_out(await export_status(user_id, export_id))

    @get("/exports/{export_id:str}/file")
    @inject
    async def export_file(
        self, request: Req, export_download: FromDishka[DownloadExport], export_id: FromPath[str]
    ) -> Stream:
        """The finished export's ``.xlsx``, streamed; 404 ``export_not_found`` until it is done, after it
        expired, and for anyone but its owner."""
        _, user_id, _ = await customer_of(request)
        path, _export = await export_download(user_id, export_id)
        return xlsx_file_response(path, "transactions.xlsx", remove=False)
