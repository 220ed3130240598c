"""The monthly wallet statement as ``.xlsx`` (openpyxl write-only, off the event loop).

Right-to-left, Persian headers, frozen header, Jalali date and Tehran time,
amounts as numbers with a thousands format; descriptions and references are
written as text, never as formulas (``text_cell``).
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]

from kook.adapters.excel.report_workbook import amount_cell, text_cell
from kook.domain.invoicing.statement import Balance, MonthlyStatement
from kook.domain.shared.jalali import TEHRAN, from_gregorian

_HEADER_FONT: Final = Font(bold=True)
_HEADER_FILL: Final = PatternFill("solid", fgColor="DDEBF7")
STATEMENT_COLUMNS: Final = (
    ("تاریخ", 12),
    ("ساعت", 8),
    ("شرح", 44),
    ("مرجع", 24),
    ("واریز (ریال)", 16),
    ("برداشت (ریال)", 16),
    ("تغییر رزرو (ریال)", 16),
    ("مانده قابل استفاده (ریال)", 20),
    ("مانده رزرو (ریال)", 16),
)


@dataclass(frozen=True, slots=True)
class RowText:
    """What a person reads of a statement row (composed at the edge, in Persian)."""

    description: str
    reference: str


def _balance_row(sheet: object, label: str, balance: Balance) -> list[object]:
    return [
        text_cell(sheet, ""),
        text_cell(sheet, ""),
        text_cell(sheet, label, font=_HEADER_FONT),
        text_cell(sheet, ""),
        text_cell(sheet, ""),
        text_cell(sheet, ""),
        text_cell(sheet, ""),
        amount_cell(sheet, balance.available),
        amount_cell(sheet, balance.held),
    ]


def statement_bytes(statement: MonthlyStatement, texts: Sequence[RowText], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.sheet_view.rightToLeft = True
    sheet.freeze_panes = "A2"
    for index, (_name, width) in enumerate(STATEMENT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([text_cell(sheet, name, font=_HEADER_FONT, fill=_HEADER_FILL) for name, _ in STATEMENT_COLUMNS])
    sheet.append(_balance_row(sheet, "مانده ابتدای دوره", statement.opening))
    for row, text in zip(statement.rows, texts, strict=True):
        local = row.movement.created_at.astimezone(TEHRAN)
        year, month, day = from_gregorian(local.date())
        sheet.append(
            [
                text_cell(sheet, f"{year:04d}/{month:02d}/{day:02d}"),
                text_cell(sheet, f"{local.hour:02d}:{local.minute:02d}"),
                text_cell(sheet, text.description),
                text_cell(sheet, text.reference),
                amount_cell(sheet, row.credit),
                amount_cell(sheet, row.debit),
                amount_cell(sheet, row.movement.held_change),
                amount_cell(sheet, row.balance.available),
                amount_cell(sheet, row.balance.held),
            ]
        )
    sheet.append(_balance_row(sheet, "مانده پایان دوره", statement.closing))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class OpenpyxlStatementWorkbook:
    async def statement(self, statement: MonthlyStatement, texts: Sequence[RowText], title: str) -> bytes:
        return await asyncio.to_thread(statement_bytes, statement, list(texts), title)
