"""ریز تراکنش's export: one worker thread reads the filter's rows and writes them, batch after batch.

The workbook is ``report_workbook``'s (the same sheet, columns, formats and formula protection); the
rows come from a source read inside this thread (``ThreadTransactionRows``: its own connection, a
server-side cursor), so nothing crosses between threads but the count of rows written, which the
event loop reads to tell ``progress``. The event loop stays free meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Generator, Iterable, Sequence
from typing import IO, Any, Final, Protocol

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]

from kook.adapters.excel.report_workbook import (
    _OPERATORS,
    _PRODUCTS,
    STATUS_LABELS,
    _append_totals,
    _local_parts,
    _open_sheet,
    _user_text,
    amount_cell,
)
from kook.application.reporting.ports import TransactionExporter, TransactionFilter, TransactionTotals

EXPORT_BATCH: Final = 5_000
# how often the event loop looks at the rows written, to tell ``progress``
PROGRESS_SECONDS: Final = 1.0


class RowSource(Protocol):
    def batches(self, filter: TransactionFilter, size: int) -> Generator[Sequence[Sequence[Any]], None, None]:
        """Blocking: the filter's rows (``EXPORT_COLUMNS`` order), newest first, read in the calling thread."""
        ...


def append_export_rows(sheet: Any, rows: Iterable[Sequence[Any]]) -> int:
    """Rows of (sent_at, request name, mobile, operator, product, package title, amount, status, operator's
    reference, reference) as ``report_workbook``'s lines: the same values and cells."""
    count = 0
    append = sheet.append
    amount = amount_cell(sheet, 0)  # one styled cell, reused: openpyxl writes a row's cells as it takes them
    operators = _OPERATORS
    products = _PRODUCTS
    statuses = STATUS_LABELS
    for sent_at, request_name, mobile, operator, product, package_title, value, status, provider_ref, ref in rows:
        day, clock = _local_parts(sent_at)
        amount.value = value
        append(
            [
                day,
                clock,
                _user_text(sheet, request_name),
                mobile,
                operators.get(operator or 0) or None,
                products.get(product, product),
                _user_text(sheet, package_title),
                amount,
                statuses.get(status, status),
                _user_text(sheet, provider_ref),
                _user_text(sheet, ref),
            ]
        )
        count += 1
    return count


class _Writing:
    def __init__(self) -> None:
        self.written = 0
        self.stopped = False  # the caller was cancelled: stop reading at the next batch

    def run(self, source: RowSource, filter: TransactionFilter, totals: TransactionTotals, target: IO[bytes]) -> None:
        workbook = Workbook(write_only=True)
        sheet = _open_sheet(workbook)
        with contextlib.closing(source.batches(filter, EXPORT_BATCH)) as batches:
            for batch in batches:
                if self.stopped:
                    break  # saved as usual (openpyxl complains of a sheet left open); the caller deletes it
                self.written += append_export_rows(sheet, batch)
        _append_totals(workbook, totals)
        workbook.save(target)


class ThreadedTransactionExport(TransactionExporter):
    def __init__(self, source: RowSource) -> None:
        self._source = source

    async def export(
        self,
        filter: TransactionFilter,
        totals: TransactionTotals,
        target: IO[bytes],
        progress: Callable[[int], Awaitable[None]] | None = None,
    ) -> int:
        """Every row of ``filter`` into ``target`` from a worker thread; ``progress`` hears the rows written so
        far about every second. Cancelled, it stops the thread (at its next batch) before it returns."""
        writing = _Writing()
        done = asyncio.ensure_future(asyncio.to_thread(writing.run, self._source, filter, totals, target))
        try:
            told = 0
            while not done.done():
                await asyncio.wait({done}, timeout=PROGRESS_SECONDS)
                if progress is not None and not done.done() and writing.written != told:
                    told = writing.written
                    await progress(told)
        except asyncio.CancelledError:
            writing.stopped = True
            await asyncio.wait({done})  # the target stays the thread's until it stopped
            raise
        await done  # the thread's own error, if any
        return writing.written
