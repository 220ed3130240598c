"""Reporting reads what the other contexts wrote (read models only, no aggregates).

A transaction is a line of a bulk request that was sent to an operator at least
once: sending, succeeded, failed or of unknown outcome. Its time is when it was
last sent (``sent_at``); a report's day is Tehran's day.

Why one file of some 420 lines: every read model of reporting is a port with its filter, row and totals
types, and the issue asks for all of a context's ports in its ``ports.py``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Final, Protocol

from kook.domain.invoicing.invoice import IssuedNumber, Party, SoldGroup
from kook.domain.invoicing.statement import Balance, Movement

TRANSACTION_STATUSES: Final = ("sending", "succeeded", "failed", "unknown")

# (sent_at, line id) of the last row of a page: the next page starts after it (newest first).
TransactionCursor = tuple[datetime, int]


@dataclass(frozen=True, slots=True)
class TransactionFilter:
    """Which transactions; every field narrows, ``None`` means any."""

    customer_id: str | None  # None only for staff: every customer
    start: datetime | None = None  # inclusive, timezone-aware
    end: datetime | None = None  # exclusive, timezone-aware
    status: str | None = None
    operator: int | None = None
    product: str | None = None  # "airtime" | "package"
    package_code: str | None = None
    request_id: str | None = None
    mobile: str | None = None  # normalised 09xxxxxxxxx


@dataclass(frozen=True, slots=True)
class TransactionRow:
    id: int
    customer_id: str
    request_id: str
    request_name: str
    mobile: str
    operator: int | None
    product: str
    package_code: str | None
    package_title: str | None
    amount: int  # rials: the top-up's amount or the package's price
    status: str
    sent_at: datetime
    finished_at: datetime | None
    reference: str | None
    provider_ref: str | None

    @property
    def cursor(self) -> TransactionCursor:
        return self.sent_at, self.id


@dataclass(frozen=True, slots=True)
class TransactionTotals:
    """Figures of the whole filter, not of one page."""

    count: int = 0
    amount: int = 0  # every transaction's amount
    succeeded: int = 0  # what the operators applied (settled)
    refunded: int = 0  # failed lines: returned to the wallet


class TransactionReader(Protocol):
    async def page(
        self, filter: TransactionFilter, after: TransactionCursor | None, limit: int
    ) -> list[TransactionRow]:
        """Newest first (``sent_at``, then id), only rows after ``after`` in that order."""
        ...

    async def totals(self, filter: TransactionFilter) -> TransactionTotals: ...

    def batches(self, filter: TransactionFilter, size: int) -> AsyncIterator[list[TransactionRow]]:
        """Every row of the filter in page order, ``size`` at a time (for exports)."""
        ...


class TransactionWorkbook(Protocol):
    async def transactions(self, rows: Iterable[TransactionRow], totals: TransactionTotals) -> bytes:
        """An ``.xlsx`` of the rows (right-to-left, Persian headers, Jalali times, no formula from user text)."""
        ...


class TransactionExporter(Protocol):
    async def export(
        self,
        filter: TransactionFilter,
        totals: TransactionTotals,
        target: IO[bytes],
        progress: Callable[[int], Awaitable[None]] | None = None,
    ) -> int:
        """The workbook of every row of ``filter`` (as ``TransactionWorkbook.transactions`` makes it, with
        ``totals``) written into ``target`` as the rows are read, never all of them in memory, off the event
        loop; ``progress`` hears the rows written so far. Returns the rows written."""
        ...


class ExportFiles(Protocol):
    """Where export files live: a folder no web server serves, files named by random keys."""

    def new_key(self) -> str: ...

    def open_new(self, key: str) -> IO[bytes]:
        """A new file for ``key``, open for writing (mode 0600)."""
        ...

    def path(self, key: str) -> str:
        """The file of ``key`` (``ExportNotFound`` for a key not of the store's shape)."""
        ...

    async def size(self, key: str) -> int | None:
        """The file's size, None when it is not there."""
        ...

    async def delete(self, key: str) -> None: ...

    async def delete_older_than(self, seconds: int, keep: set[str]) -> int:
        """Removes files older than ``seconds`` whose key is not in ``keep`` (left over by a crash)."""
        ...


class TransactionTotalsFolder(Protocol):
    async def fold(self) -> int:
        """Folds the lines' pending changes into the totals rollup (atomically); returns how many it folded."""
        ...


@dataclass(slots=True)
class DayTotals:
    day: date  # Tehran's day
    gateway: int = 0
    gateway_count: int = 0
    slips: int = 0
    slips_count: int = 0
    operators: int = 0
    operators_count: int = 0

    @property
    def money_in(self) -> int:
        return self.gateway + self.slips

    @property
    def net(self) -> int:
        return self.money_in - self.operators


@dataclass(slots=True)
class DailyTotals:
    start: datetime
    end: datetime
    customer_id: str | None
    days: list[DayTotals] = field(default_factory=list)  # newest first, only days with money
    total: DayTotals = field(default_factory=lambda: DayTotals(date.min))


class DailyTotalsReader(Protocol):
    async def days(self, start: datetime, end: datetime, customer_id: str | None) -> list[DayTotals]:
        """Per Tehran day in ``[start, end)`` (days without money left out), any order."""
        ...


@dataclass(frozen=True, slots=True)
class InvoicedRequest:
    """What an invoice needs of a bulk request."""

    id: str
    customer_id: str
    name: str
    finished: bool  # completed or completed_with_failures
    finished_at: datetime | None
    settled: int  # rials settled to operators


@dataclass(frozen=True, slots=True)
class InvoicePolicy:
    seller: Party
    vat_percent: int


class InvoiceBook(Protocol):
    async def request(self, customer_id: str, request_id: str) -> InvoicedRequest | None:
        """The customer's request (None when missing or another customer's)."""
        ...

    async def sold_groups(self, request_id: str) -> list[SoldGroup]:
        """The succeeded lines grouped by product, operator and unit price."""
        ...

    async def buyer(self, customer_id: str) -> Party | None: ...

    async def issued(self, request_id: str) -> IssuedNumber | None: ...

    async def issue(
        self, request_id: str, customer_id: str, year: int, vat_percent: int, now: datetime
    ) -> IssuedNumber:
        """The request's number: the one already issued, or the year's next, in one transaction that
        holds the year's counter locked (gapless, never repeated)."""
        ...


class StatementReader(Protocol):
    async def balance_before(self, customer_id: str, moment: datetime) -> Balance:
        """The sum of every posting to the wallet before ``moment``."""
        ...

    async def movements(self, customer_id: str, start: datetime, end: datetime) -> list[Movement]:
        """The wallet's journal entries in [start, end), oldest first."""
        ...


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


@dataclass(frozen=True, slots=True)
class PaymentFilter:
    customer_id: str | None  # None only for staff
    start: datetime | None = None
    end: datetime | None = None
    kind: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentRow:
    id: str
    customer_id: str
    kind: str  # "online" | "slip"
    status: str
    amount: int
    reference: str | None  # the gateway's reference, or the slip's tracking number
    bank: str  # the gateway's name, or the key of Kook's account the slip was paid into
    card_mask: str | None
    created_at: datetime
    settled_at: datetime | None

    @property
    def cursor(self) -> PaymentCursor:
        return self.created_at, self.id


@dataclass(frozen=True, slots=True)
class PaymentTotals:
    count: int = 0
    amount: int = 0
    settled: int = 0  # verified payments and approved slips: credited to the wallet
    pending: int = 0


@dataclass(frozen=True, slots=True)
class PaymentPage:
    rows: list[PaymentRow]
    next_cursor: PaymentCursor | None
    totals: PaymentTotals
    filter: PaymentFilter


class PaymentReader(Protocol):
    async def page(self, filter: PaymentFilter, after: PaymentCursor | None, limit: int) -> list[PaymentRow]:
        """Newest first (created_at, then id), only rows after ``after`` in that order."""
        ...

    async def totals(self, filter: PaymentFilter) -> PaymentTotals: ...


class PaymentWorkbook(Protocol):
    async def payments(
        self, rows: Iterable[PaymentRow], totals: PaymentTotals, *, with_customer: bool = False
    ) -> bytes:
        """``with_customer``: a first column names each row's customer (staff, across customers)."""
        ...


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


SETTLED: Final = ("verified", "approved")  # money that reached the wallet


@dataclass(frozen=True, slots=True)
class TransactionQuery:
    """What a person (or a client) asked for, as typed: every field optional text."""

    start: str | None = None  # a day, Jalali 1405-03-01 or ISO 2026-05-22 (Tehran's day, inclusive)
    end: str | None = None  # a day, inclusive
    status: str | None = None
    operator: str | None = None
    product: str | None = None
    package_code: str | None = None
    request_id: str | None = None
    mobile: str | None = None


# (created_at, id) of the last row of a page: the next page starts after it (newest first).
PaymentCursor = tuple[datetime, str]
