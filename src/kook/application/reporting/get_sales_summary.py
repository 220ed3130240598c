"""The summary of a period (``customer_id`` None: staff, every customer — the caller checks the role)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from kook.application.reporting.period import parse_period
from kook.application.reporting.ports import SalesCell, SalesFilter, SalesGroup, SalesReader, SalesSummary
from kook.domain.shared.errors import ValidationFailed

AIRTIME: Final = "airtime"


def sales_filter(start: str | None, end: str | None, customer_id: str | None) -> SalesFilter:
    errors: dict[str, str] = {}
    begin, finish = parse_period(start, end, errors)
    if errors:
        raise ValidationFailed(errors)
    return SalesFilter(customer_id, begin, finish)


def summarise(filter: SalesFilter, cells: Iterable[SalesCell]) -> SalesSummary:
    """Groups by product (the top-up first, then packages by code) and by operator (by code)."""
    products: dict[str, SalesGroup] = {}
    operators: dict[int, SalesGroup] = {}
    summary = SalesSummary(filter)
    for cell in cells:
        key = AIRTIME if cell.product == AIRTIME else f"package:{cell.package_code or ''}"
        code_of_package = None if cell.product == AIRTIME else cell.package_code
        products.setdefault(key, SalesGroup(key, product=cell.product, package_code=code_of_package)).add(cell)
        code = cell.operator or 0
        operators.setdefault(code, SalesGroup(f"operator:{code}", operator=cell.operator)).add(cell)
        summary.total.add(cell)
    summary.products = sorted(products.values(), key=lambda g: (g.key != AIRTIME, g.package_code or ""))
    summary.operators = [operators[k] for k in sorted(operators)]
    return summary


class GetSalesSummary:
    """The summary of a period (``customer_id`` None: staff, every customer — the caller checks the role)."""

    def __init__(self, reader: SalesReader) -> None:
        self._reader = reader

    async def __call__(self, customer_id: str | None, start: str | None, end: str | None) -> SalesSummary:
        filter = sales_filter(start, end, customer_id)
        return summarise(filter, await self._reader.cells(filter))
