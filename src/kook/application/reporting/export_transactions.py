"""ریز تراکنش as an Excel file: the same filter as the page, every row of it, streamed.

Rows go from the database straight into openpyxl's write-only workbook, read and
written in one worker thread (``TransactionExporter``), into a file of the export
store; the caller streams that file to the client and deletes it. Up to
``MAX_EXPORT_ROWS`` rows answer at once; a larger filter is refused with
``export_too_large`` (details: ``rows``, ``limit`` and ``export_url``, the route
that makes it in the background — see ``exports.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from kook.application.reporting.list_transactions import transaction_filter
from kook.application.reporting.ports import ExportFiles, TransactionExporter, TransactionQuery, TransactionReader
from kook.domain.shared.errors import DomainError

MAX_EXPORT_ROWS: Final = 50_000
BACKGROUND_EXPORT_URL: Final = "/api/v1/reports/transactions/exports"


class ExportTooLarge(DomainError):
    code = "export_too_large"


@dataclass(frozen=True, slots=True)
class ExportedFile:
    key: str  # the export store's key: delete it once sent
    path: str
    rows: int


class ExportTransactions:
    """The ``.xlsx`` of a transaction filter as a file, or ``ExportTooLarge`` (``rows``, ``limit``, ``export_url``)."""

    def __init__(self, reader: TransactionReader, exporter: TransactionExporter, files: ExportFiles) -> None:
        self._reader = reader
        self._exporter = exporter
        self._files = files

    async def __call__(self, customer_id: str | None, query: TransactionQuery) -> ExportedFile:
        filter = transaction_filter(query, customer_id)
        totals = await self._reader.totals(filter)
        if totals.count > MAX_EXPORT_ROWS:
            raise ExportTooLarge(
                details={"rows": totals.count, "limit": MAX_EXPORT_ROWS, "export_url": BACKGROUND_EXPORT_URL}
            )
        key = self._files.new_key()
        try:
            with self._files.open_new(key) as target:
                rows = await self._exporter.export(filter, totals, target)
        except BaseException:
            await self._files.delete(key)
            raise
        return ExportedFile(key, self._files.path(key), rows)
