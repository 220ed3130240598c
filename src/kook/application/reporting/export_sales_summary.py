"""خلاصه سر جمع فروش: count and amount per product (top-up; each package) and per operator for a period."""

from __future__ import annotations

from kook.application.reporting.get_sales_summary import GetSalesSummary
from kook.application.reporting.ports import SalesWorkbook


class ExportSalesSummary:
    def __init__(self, report: GetSalesSummary, workbook: SalesWorkbook) -> None:
        self._report = report
        self._workbook = workbook

    async def __call__(self, customer_id: str | None, start: str | None, end: str | None) -> bytes:
        return await self._workbook.sales(await self._report(customer_id, start, end))
