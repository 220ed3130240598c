"""گزارش پرداخت: online payments (the bank gateway) and deposit slips together, newest first.

A row's time is when it was made (the payment started, the slip sent); ``settled_at`` is when it was
verified or decided. Filters: the period (Tehran's days), kind (``online`` | ``slip``) and status — a
payment's own (pending, verified, failed, expired, reversed) or a slip's (pending, approved, rejected).
Keyset pages over (created_at, id); the totals are the whole filter's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Protocol

from kook.application.reporting.export_transactions import MAX_EXPORT_ROWS, ExportTooLarge
from kook.application.reporting.period import parse_period
from kook.domain.shared.errors import ValidationFailed

PAYMENT_KINDS: Final = ("online", "slip")
ONLINE_STATUSES: Final = ("pending", "verified", "failed", "expired", "reversed")
SLIP_STATUSES: Final = ("pending", "approved", "rejected")
PAYMENT_STATUSES: Final = tuple(dict.fromkeys(ONLINE_STATUSES + SLIP_STATUSES))
SETTLED: Final = ("verified", "approved")  # money that reached the wallet
MAX_PAGE: Final = 200
_BATCH: Final = 2_000

# (created_at, id) of the last row of a page: the next page starts after it (newest first).
PaymentCursor = tuple[datetime, str]


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


def _text(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value or None


def payment_filter(
    customer_id: str | None, start: str | None, end: str | None, kind: str | None, status: str | None
) -> PaymentFilter:
    errors: dict[str, str] = {}
    begin, finish = parse_period(start, end, errors)
    kind = _text(kind)
    if kind is not None and kind not in PAYMENT_KINDS:
        errors["kind"] = "invalid"
    status = _text(status)
    allowed = {"online": ONLINE_STATUSES, "slip": SLIP_STATUSES}.get(kind or "", PAYMENT_STATUSES)
    if status is not None and status not in allowed:
        errors["status"] = "invalid"
    if errors:
        raise ValidationFailed(errors)
    return PaymentFilter(customer_id, begin, finish, kind, status)


async def all_payments(reader: PaymentReader, filter: PaymentFilter) -> AsyncIterator[list[PaymentRow]]:
    after: PaymentCursor | None = None
    while True:
        rows = await reader.page(filter, after, _BATCH)
        if rows:
            yield rows
        if len(rows) < _BATCH:
            return
        after = rows[-1].cursor


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
