"""Report workbooks (ریز تراکنش) with openpyxl's write-only mode, off the event loop (a large export:
``transactions_export``).

Opens right in Excel: right-to-left sheet, Persian headers, frozen header row,
column widths, Jalali date and Tehran time columns, amounts as numbers with a
thousands format. Every text that came from a person (request names, package
titles) is written as a plain string — never a formula, whatever it starts with
(``= + - @``, a tab or a carriage return).
"""

from __future__ import annotations

import asyncio
import functools
import io
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Final

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped, unused-ignore]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]

from kook.application.reporting.ports import TransactionRow, TransactionTotals, TransactionWorkbook
from kook.domain.routing.operator import Operator
from kook.domain.shared.jalali import TEHRAN, from_gregorian

_MAX_TEXT: Final = 32_767
_AMOUNT_FORMAT: Final = "#,##0"
_HEADER_FONT: Final = Font(bold=True)
_HEADER_FILL: Final = PatternFill("solid", fgColor="DDEBF7")
_OPERATORS: Final = {int(op): op.name_fa for op in Operator}
_PRODUCTS: Final = {"airtime": "شارژ", "package": "بسته اینترنت"}
STATUS_LABELS: Final = {"sending": "در حال ارسال", "succeeded": "موفق", "failed": "ناموفق", "unknown": "نامشخص"}
TRANSACTION_COLUMNS: Final = (
    ("تاریخ", 12),
    ("ساعت", 8),
    ("درخواست", 28),
    ("شماره موبایل", 14),
    ("اپراتور", 12),
    ("نوع", 12),
    ("بسته", 24),
    ("مبلغ (ریال)", 14),
    ("وضعیت", 12),
    ("کد پیگیری اپراتور", 20),
    ("شناسه تراکنش", 22),
)


def text_cell(sheet: Any, value: str | None, *, font: Any = None, fill: Any = None) -> WriteOnlyCell:
    """A cell that holds ``value`` as text, never as a formula or an error value."""
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value)[:_MAX_TEXT] if value else None)
    if value:
        cell.data_type = "s"
    cell.number_format = "@"
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def amount_cell(sheet: Any, value: int) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = _AMOUNT_FORMAT
    return cell


def _jalali_parts(row: TransactionRow) -> tuple[str, str]:
    local = row.sent_at.astimezone(TEHRAN)
    year, month, day = from_gregorian(local.date())
    return f"{year:04d}/{month:02d}/{day:02d}", f"{local.hour:02d}:{local.minute:02d}"


_FORMULA_LEADS: Final = ("=", "+", "-", "@", "\t", "\r")


def _user_text(sheet: Any, value: str | None) -> Any:
    """A person's text as a cell value: plain (openpyxl's shared fast path) unless it could read as a formula."""
    if not value:
        return None
    if value.startswith(_FORMULA_LEADS):
        return text_cell(sheet, value)
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", value)[:_MAX_TEXT]
    return text_cell(sheet, cleaned) if cleaned.startswith(_FORMULA_LEADS) else cleaned


def _open_sheet(workbook: Any) -> Any:
    sheet = workbook.create_sheet("ریز تراکنش")
    sheet.sheet_view.rightToLeft = True
    sheet.freeze_panes = "A2"
    for index, (_title, width) in enumerate(TRANSACTION_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([text_cell(sheet, title, font=_HEADER_FONT, fill=_HEADER_FILL) for title, _ in TRANSACTION_COLUMNS])
    return sheet


def _append_rows(sheet: Any, rows: Iterable[TransactionRow]) -> int:
    """The rows, one a line. Texts we make (dates, labels, mobiles) are plain strings; a person's texts go
    through ``_user_text``; amounts are numbers with a thousands format (one styled cell, reused: openpyxl
    writes a row's cells as it takes them)."""
    count = 0
    append = sheet.append
    amount = amount_cell(sheet, 0)
    for row in rows:
        day, clock = _local_parts(row.sent_at)
        amount.value = row.amount
        append(
            [
                day,
                clock,
                _user_text(sheet, row.request_name),
                row.mobile,
                _OPERATORS.get(row.operator or 0) or None,
                _PRODUCTS.get(row.product, row.product),
                _user_text(sheet, row.package_title),
                amount,
                STATUS_LABELS.get(row.status, row.status),
                _user_text(sheet, row.provider_ref),
                _user_text(sheet, row.reference),
            ]
        )
        count += 1
    return count


@functools.lru_cache(maxsize=4096)
def _jalali_day(day: date) -> str:
    year, month, number = from_gregorian(day)
    return f"{year:04d}/{month:02d}/{number:02d}"


@functools.lru_cache(maxsize=8192)
def _minute_parts(minute: int) -> tuple[str, str]:
    local = datetime.fromtimestamp(minute * 60, TEHRAN)
    return _jalali_day(local.date()), f"{local.hour:02d}:{local.minute:02d}"


def _local_parts(moment: datetime) -> tuple[str, str]:
    """Tehran's Jalali day and hh:mm of ``moment``, made once per minute (a request's lines are sent within
    minutes of each other; Tehran's offsets are whole minutes, so the UTC minute names the local one)."""
    return _minute_parts(int(moment.timestamp()) // 60)


def _append_totals(workbook: Any, totals: TransactionTotals) -> None:
    summary = workbook.create_sheet("جمع")
    summary.sheet_view.rightToLeft = True
    summary.column_dimensions["A"].width = 28
    summary.column_dimensions["B"].width = 18
    for label, value in (
        ("تعداد تراکنش", totals.count),
        ("جمع مبلغ (ریال)", totals.amount),
        ("موفق (ریال)", totals.succeeded),
        ("برگشتی به کیف پول (ریال)", totals.refunded),
    ):
        summary.append([text_cell(summary, label, font=_HEADER_FONT), amount_cell(summary, value)])


def _transactions_bytes(rows: Iterable[TransactionRow], totals: TransactionTotals) -> bytes:
    workbook = Workbook(write_only=True)
    _append_rows(_open_sheet(workbook), rows)
    _append_totals(workbook, totals)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class OpenpyxlReportWorkbook(TransactionWorkbook):
    async def transactions(self, rows: Iterable[TransactionRow], totals: TransactionTotals) -> bytes:
        # a few seconds of CPU for the largest export: keep the event loop free meanwhile
        return await asyncio.to_thread(_transactions_bytes, list(rows), totals)
