"""گزارش پرداخت: online payments (the bank gateway) and deposit slips together, newest first."""

from __future__ import annotations

from typing import Final

from kook.application.reporting.ports import PaymentCursor, PaymentFilter, PaymentPage, PaymentReader

MAX_PAGE: Final = 200


class ListPayments:
    def __init__(self, reader: PaymentReader) -> None:
        self._reader = reader

    async def __call__(
        self, filter: PaymentFilter, *, after: PaymentCursor | None = None, limit: int = 50
    ) -> PaymentPage:
        size = max(1, min(limit, MAX_PAGE))
        rows = await self._reader.page(filter, after, size + 1)
        totals = await self._reader.totals(filter)
        page = rows[:size]
        return PaymentPage(page, page[-1].cursor if len(rows) > size else None, totals, filter)
