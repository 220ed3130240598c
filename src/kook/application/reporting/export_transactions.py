"""ریز تراکنش as an Excel file: the same filter as the page, every row of it."""

from __future__ import annotations

from typing import Final

from kook.application.reporting.list_transactions import TransactionQuery, transaction_filter
from kook.application.reporting.ports import TransactionReader, TransactionRow, TransactionWorkbook
from kook.domain.shared.errors import DomainError

# Larger exports are refused for now with a code that says so (a background export is the next step).
MAX_EXPORT_ROWS: Final = 50_000
_BATCH: Final = 2_000


class ExportTooLarge(DomainError):
    code = "export_too_large"


class ExportTransactions:
    """The ``.xlsx`` of a transaction filter, or ``ExportTooLarge`` (with ``rows`` and ``limit``)."""

    def __init__(self, reader: TransactionReader, workbook: TransactionWorkbook) -> None:
        self._reader = reader
        self._workbook = workbook

    async def __call__(self, customer_id: str | None, query: TransactionQuery) -> bytes:
        filter = transaction_filter(query, customer_id)
        totals = await self._reader.totals(filter)
        if totals.count > MAX_EXPORT_ROWS:
            raise ExportTooLarge(details={"rows": totals.count, "limit": MAX_EXPORT_ROWS})
        rows: list[TransactionRow] = []
        async for batch in self._reader.batches(filter, _BATCH):
            rows.extend(batch)
        return await self._workbook.transactions(rows, totals)
