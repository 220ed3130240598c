"""The threaded export writes what ``report_workbook`` writes, tells progress, and stops its thread when
cancelled."""

from __future__ import annotations

import asyncio
import contextlib
import io
import threading
import time
from collections.abc import Generator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped, unused-ignore]

from kook.adapters.excel import transactions_export
from kook.adapters.excel.report_workbook import _append_rows, _open_sheet
from kook.adapters.excel.transactions_export import ThreadedTransactionExport, append_export_rows
from kook.adapters.postgres.readers.transaction_rows import EXPORT_COLUMNS
from kook.application.reporting.ports import TransactionFilter, TransactionRow, TransactionTotals

SENT = datetime(2026, 3, 20, 20, 29, 30, tzinfo=UTC)  # 23:59 on the last day of 1404


def rows() -> list[TransactionRow]:
    texts = ["حقوق آذر", "=1+2", "@SUM(A1)", "a\x01b", "\t=x", ""]
    return [
        TransactionRow(
            id=n,
            customer_id="c",
            request_id="r",
            request_name=texts[n % len(texts)],
            mobile="09121234567",
            operator=[1, 2, 3, None][n % 4],
            product=["airtime", "package"][n % 2],
            package_code="P" if n % 2 else None,
            package_title=texts[(n + 1) % len(texts)] if n % 2 else None,
            amount=100_000 * n,
            status=["succeeded", "failed", "unknown", "sending"][n % 4],
            sent_at=SENT + timedelta(seconds=45 * n),
            finished_at=None,
            reference=f"ref{n}",
            provider_ref=["-7", None, "OP1"][n % 3],
        )
        for n in range(24)
    ]


def as_export_row(row: TransactionRow) -> tuple[Any, ...]:
    return tuple(getattr(row, name) for name in EXPORT_COLUMNS)


def cells(content: bytes) -> list[list[tuple[Any, str, str]]]:
    sheet = load_workbook(io.BytesIO(content))["ریز تراکنش"]
    return [[(c.value, c.data_type, c.number_format) for c in row] for row in sheet.iter_rows()]


def workbook_bytes(write: Any) -> bytes:
    workbook = Workbook(write_only=True)
    write(_open_sheet(workbook))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_export_rows_are_the_report_workbooks_cells() -> None:
    assert EXPORT_COLUMNS[1] == "request_name"
    mine = workbook_bytes(lambda sheet: append_export_rows(sheet, [as_export_row(r) for r in rows()]))
    theirs = workbook_bytes(lambda sheet: _append_rows(sheet, rows()))
    assert cells(mine) == cells(theirs)
    assert cells(mine)[2][2] == ("=1+2", "s", "@")  # a person's text that reads as a formula stays text


class Source:
    def __init__(self, batches: list[list[tuple[Any, ...]]], pause: float = 0.0) -> None:
        self._batches = batches
        self.pause = pause
        self.closed = False
        self.thread: str | None = None

    def batches(self, filter: TransactionFilter, size: int) -> Generator[Sequence[Sequence[Any]], None, None]:
        self.thread = threading.current_thread().name
        try:
            for batch in self._batches:
                time.sleep(self.pause)  # a read
                yield batch
        finally:
            self.closed = True


async def test_rows_are_read_and_written_in_a_worker_thread_with_progress(monkeypatch: Any) -> None:
    monkeypatch.setattr(transactions_export, "PROGRESS_SECONDS", 0.01)
    data = [as_export_row(r) for r in rows()]
    source = Source([data[:10], data[10:20], data[20:]], pause=0.2)
    heard: list[int] = []

    async def progress(written: int) -> None:
        heard.append(written)

    target = io.BytesIO()
    written = await ThreadedTransactionExport(source).export(
        TransactionFilter(customer_id="c"), TransactionTotals(24, 1, 1, 0), target, progress
    )
    assert written == 24 and source.closed and source.thread != threading.current_thread().name
    assert heard[:2] == [10, 20] and set(heard) <= {10, 20, 24}  # each batch written, told once
    assert len(cells(target.getvalue())) == 25  # the header and every row


async def test_a_cancelled_export_stops_its_thread_before_it_returns() -> None:
    data = [as_export_row(r) for r in rows()]
    source = Source([data] * 50, pause=0.05)
    task = asyncio.ensure_future(
        ThreadedTransactionExport(source).export(TransactionFilter(customer_id="c"), TransactionTotals(), io.BytesIO())
    )
    await asyncio.sleep(0.2)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert task.cancelled() and source.closed  # the thread let go of the target before the export returned
