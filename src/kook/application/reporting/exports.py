"""Background exports: a report too large to answer at once is made by a worker into a file kept a day.

``StartTransactionExport`` records the export (owner, filter, rows to write) and
enqueues ``reports.export``; ``RunTransactionExport`` (the actor)
writes the workbook, telling the rows done as it goes; ``ExportStatus`` and
``ExportDownload`` answer only the export's owner (anyone else: ``ExportNotFound``,
404 — not even whether it exists); ``PurgeExpiredExports`` (the scheduler)
deletes expired exports and their files.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Final, Protocol

import structlog

from kook.application.reporting.list_transactions import TransactionQuery, transaction_filter
from kook.application.reporting.ports import ExportFiles, TransactionExporter, TransactionReader
from kook.application.shared.ports import Clock, Dispatcher
from kook.domain.shared.errors import NotFound
from kook.domain.shared.ids import new_id

log = structlog.get_logger(__name__)

EXPORT_ACTOR: Final = "reports.export"
KEEP_FOR: Final = timedelta(days=1)
# A running export whose worker died is taken over after this long (the actor's time limit is shorter).
STALE_AFTER: Final = timedelta(minutes=30)
# rows_done is written at most every this many rows (not per batch: a million rows, a few hundred writes)
PROGRESS_EVERY: Final = 10_000
EXPORT_STATUSES: Final = ("queued", "running", "done", "failed")


class ExportNotFound(NotFound):
    code = "export_not_found"


@dataclass(frozen=True, slots=True)
class ReportExport:
    id: str
    owner_id: str
    customer_id: str | None
    kind: str
    filter: str  # the TransactionQuery as JSON
    status: str
    rows_total: int
    rows_done: int
    created_at: datetime
    expires_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    file_key: str | None = None
    size: int | None = None
    error: str | None = None

    @property
    def query(self) -> TransactionQuery:
        return TransactionQuery(**json.loads(self.filter))

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0


class ExportRepository(Protocol):
    async def add(self, export: ReportExport) -> None: ...

    async def get(self, export_id: str) -> ReportExport | None: ...

    async def claim(self, export_id: str, now: datetime, stale_before: datetime) -> ReportExport | None:
        """queued (or running since before ``stale_before``) → running; None when not to run."""
        ...

    async def progress(self, export_id: str, rows_done: int) -> None: ...

    async def finish(self, export_id: str, *, file_key: str, size: int, rows: int, now: datetime) -> None: ...

    async def fail(self, export_id: str, error: str, now: datetime) -> None: ...

    async def expired(self, now: datetime) -> list[ReportExport]: ...

    async def remove(self, export_ids: list[str]) -> None: ...

    async def file_keys(self) -> set[str]: ...


class StartTransactionExport:
    """Checks the filter, counts its rows and enqueues the export (any size: the API's POST)."""

    def __init__(
        self, reader: TransactionReader, exports: ExportRepository, dispatcher: Dispatcher, clock: Clock
    ) -> None:
        self._reader = reader
        self._exports = exports
        self._dispatcher = dispatcher
        self._clock = clock

    async def __call__(self, owner_id: str, customer_id: str | None, query: TransactionQuery) -> ReportExport:
        filter = transaction_filter(query, customer_id)
        totals = await self._reader.totals(filter)
        now = self._clock.now()
        export = ReportExport(
            id=new_id(),
            owner_id=owner_id,
            customer_id=customer_id,
            kind="transactions",
            filter=json.dumps(asdict(query), ensure_ascii=False),
            status="queued",
            rows_total=totals.count,
            rows_done=0,
            created_at=now,
            expires_at=now + KEEP_FOR,
        )
        await self._exports.add(export)
        self._dispatcher.dispatch(EXPORT_ACTOR, export_id=export.id)
        return export


class RunTransactionExport:
    """The worker's half: writes the workbook into the store, rows done told as it goes. Safe to deliver
    twice: only a queued (or abandoned) export is claimed."""

    def __init__(
        self,
        exports: ExportRepository,
        reader: TransactionReader,
        exporter: TransactionExporter,
        files: ExportFiles,
        clock: Clock,
    ) -> None:
        self._exports = exports
        self._reader = reader
        self._exporter = exporter
        self._files = files
        self._clock = clock

    async def __call__(self, export_id: str) -> None:
        now = self._clock.now()
        export = await self._exports.claim(export_id, now, now - STALE_AFTER)
        if export is None:
            return
        key = self._files.new_key()
        told = 0

        async def progress(rows: int) -> None:
            nonlocal told
            if rows - told >= PROGRESS_EVERY:
                told = rows
                await self._exports.progress(export_id, rows)

        try:
            filter = transaction_filter(export.query, export.customer_id)
            totals = await self._reader.totals(filter)
            with self._files.open_new(key) as target:
                rows = await self._exporter.export(filter, totals, target, progress)
            size = await self._files.size(key) or 0
        except Exception:
            log.exception("report_export_failed", export_id=export_id)
            await self._files.delete(key)
            await self._exports.fail(export_id, "export_failed", self._clock.now())
            return
        await self._exports.finish(export_id, file_key=key, size=size, rows=rows, now=self._clock.now())


class ExportStatus:
    """The export of its owner (``ExportNotFound`` for anyone else)."""

    def __init__(self, exports: ExportRepository, clock: Clock) -> None:
        self._exports = exports
        self._clock = clock

    async def __call__(self, owner_id: str, export_id: str) -> ReportExport:
        export = await self._exports.get(export_id) if len(export_id) <= 64 else None
        if export is None or export.owner_id != owner_id or export.expires_at <= self._clock.now():
            raise ExportNotFound()
        return export


class ExportDownload:
    """The finished file of the owner's export: (path, export); ``ExportNotFound`` otherwise."""

    def __init__(self, status: ExportStatus, files: ExportFiles) -> None:
        self._status = status
        self._files = files

    async def __call__(self, owner_id: str, export_id: str) -> tuple[str, ReportExport]:
        export = await self._status(owner_id, export_id)
        if export.status != "done" or export.file_key is None or await self._files.size(export.file_key) is None:
            raise ExportNotFound()
        return self._files.path(export.file_key), export


class PurgeExpiredExports:
    """Deletes expired exports with their files, and files no export owns that are older than a day."""

    def __init__(self, exports: ExportRepository, files: ExportFiles, clock: Clock) -> None:
        self._exports = exports
        self._files = files
        self._clock = clock

    async def __call__(self) -> int:
        expired = await self._exports.expired(self._clock.now())
        for export in expired:
            if export.file_key is not None:
                await self._files.delete(export.file_key)
        if expired:
            await self._exports.remove([e.id for e in expired])
        orphans = await self._files.delete_older_than(int(KEEP_FOR.total_seconds()), await self._exports.file_keys())
        if expired or orphans:
            log.info("report_exports_purged", exports=len(expired), orphans=orphans)
        return len(expired)
