"""خلاصه سر جمع فروش: count and amount per product (top-up; each package) and per operator for a period.

Only **succeeded** lines are sales: what the operators applied and the wallet paid for. Failed lines
(returned to the wallet) are shown beside them as refunds; lines still sending or of unknown outcome are
counted as pending — neither a sale nor a refund until staff resolve them. A line's day is Tehran's day
of ``sent_at``, the same as ریز تراکنش.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, Protocol

from kook.application.reporting.period import parse_period
from kook.domain.shared.errors import ValidationFailed

AIRTIME: Final = "airtime"


@dataclass(frozen=True, slots=True)
class SalesFilter:
    customer_id: str | None  # None only for staff: every customer
    start: datetime | None = None  # inclusive
    end: datetime | None = None  # exclusive


@dataclass(frozen=True, slots=True)
class SalesCell:
    """One (product, package, operator) group of the period, as the reader sums it."""

    product: str  # "airtime" | "package"
    package_code: str | None
    package_title: str | None
    operator: int | None
    count: int = 0  # succeeded lines: sales
    amount: int = 0
    failed_count: int = 0  # returned to the wallet
    failed_amount: int = 0
    pending_count: int = 0  # sending or unknown
    pending_amount: int = 0


@dataclass(slots=True)
class SalesGroup:
    """A row of the summary: a product (``package_code`` None is the top-up) or an operator."""

    key: str
    product: str | None = None
    package_code: str | None = None
    package_title: str | None = None
    operator: int | None = None
    count: int = 0
    amount: int = 0
    failed_count: int = 0
    failed_amount: int = 0
    pending_count: int = 0
    pending_amount: int = 0

    def add(self, cell: SalesCell) -> None:
        self.count += cell.count
        self.amount += cell.amount
        self.failed_count += cell.failed_count
        self.failed_amount += cell.failed_amount
        self.pending_count += cell.pending_count
        self.pending_amount += cell.pending_amount
        if self.package_title is None and cell.package_title:
            self.package_title = cell.package_title


@dataclass(slots=True)
class SalesSummary:
    filter: SalesFilter
    products: list[SalesGroup] = field(default_factory=list)
    operators: list[SalesGroup] = field(default_factory=list)
    total: SalesGroup = field(default_factory=lambda: SalesGroup("total"))

    @property
    def empty(self) -> bool:
        return not self.products


class SalesReader(Protocol):
    async def cells(self, filter: SalesFilter) -> list[SalesCell]:
        """The period's sent lines summed per (product, package, operator)."""
        ...


class SalesWorkbook(Protocol):
    async def sales(self, summary: SalesSummary) -> bytes: ...


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


class SalesSummaryReport:
    """The summary of a period (``customer_id`` None: staff, every customer — the caller checks the role)."""

    def __init__(self, reader: SalesReader) -> None:
        self._reader = reader

    async def __call__(self, customer_id: str | None, start: str | None, end: str | None) -> SalesSummary:
        filter = sales_filter(start, end, customer_id)
        return summarise(filter, await self._reader.cells(filter))


class ExportSalesSummary:
    def __init__(self, report: SalesSummaryReport, workbook: SalesWorkbook) -> None:
        self._report = report
        self._workbook = workbook

    async def __call__(self, customer_id: str | None, start: str | None, end: str | None) -> bytes:
        return await self._workbook.sales(await self._report(customer_id, start, end))
