"""Reporting reads what the other contexts wrote (read models only, no aggregates).

A transaction is a line of a bulk request that was sent to an operator at least
once: sending, succeeded, failed or of unknown outcome. Its time is when it was
last sent (``sent_at``); a report's day is Tehran's day.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Final, Protocol

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
