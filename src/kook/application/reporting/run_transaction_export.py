"""The worker's half: writes the workbook into the store, rows done told as it goes. Safe to deliver
twice: only a queued (or abandoned) export is claimed."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

import structlog

from kook.application.reporting.list_transactions import transaction_filter
from kook.application.reporting.ports import ExportFiles, ExportRepository, TransactionExporter, TransactionReader
from kook.application.shared.ports import Clock

log = structlog.get_logger(__name__)


# A running export whose worker died is taken over after this long (the actor's time limit is shorter).
STALE_AFTER: Final = timedelta(minutes=30)


# rows_done is written at most every this many rows (not per batch: a million rows, a few hundred writes)
PROGRESS_EVERY: Final = 10_000


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
