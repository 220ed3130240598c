"""The ``.xlsx`` of a payment filter (every row), or ``ExportTooLarge``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Final

from kook.application.reporting.export_transactions import MAX_EXPORT_ROWS, ExportTooLarge
from kook.application.reporting.ports import PaymentCursor, PaymentFilter, PaymentReader, PaymentRow, PaymentWorkbook

_BATCH: Final = 2_000


async def all_payments(reader: PaymentReader, filter: PaymentFilter) -> AsyncIterator[list[PaymentRow]]:
    after: PaymentCursor | None = None
    while True:
        rows = await reader.page(filter, after, _BATCH)
        if rows:
            yield rows
        if len(rows) < _BATCH:
            return
        after = rows[-1].cursor


class ExportPayments:
    """The ``.xlsx`` of a payment filter (every row), or ``ExportTooLarge``."""

    def __init__(self, reader: PaymentReader, workbook: PaymentWorkbook) -> None:
        self._reader = reader
        self._workbook = workbook

    async def __call__(self, filter: PaymentFilter) -> bytes:
        totals = await self._reader.totals(filter)
        if totals.count > MAX_EXPORT_ROWS:
            raise ExportTooLarge(details={"rows": totals.count, "limit": MAX_EXPORT_ROWS})
        rows: list[PaymentRow] = []
        async for batch in all_payments(self._reader, filter):
            rows.extend(batch)
        return await self._workbook.payments(rows, totals, with_customer=filter.customer_id is None)
