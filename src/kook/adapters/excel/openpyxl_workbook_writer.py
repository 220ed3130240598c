"""Writing workbooks with openpyxl: the error report of an upload and the sample files.

openpyxl writes any string starting with ``=`` as a live formula (and ``#N/A``
and friends as error values) — ARCHITECTURE, Known traps. Every text cell
here is forced to a plain string, so nothing a user uploaded ever runs as a
formula when the report is opened. Sheets are right-to-left.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Final

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped, unused-ignore]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]

from kook.application.recharges.ports import Cell, ErrorRow, WorkbookWriter
from kook.domain.recharges.sheet_rows import HEADER_COLUMNS

ERROR_COLUMNS: Final = ("ردیف", "ستون خطا", "کد خطا", "توضیح خطا")
_COLUMN_LABELS: Final = {"mobile": "شماره موبایل", "amount": "مبلغ", "operator": "اپراتور", "package": "بسته"}
_MAX_TEXT: Final = 32_767  # Excel's limit for one cell

_HEADER_FONT: Final = Font(bold=True)
_HEADER_FILL: Final = PatternFill("solid", fgColor="DDEBF7")
_ERROR_FILL: Final = PatternFill("solid", fgColor="FCE4D6")
_WRAP: Final = Alignment(wrap_text=True, vertical="top")

_SAMPLE_ROWS: Final[dict[str, tuple[tuple[Cell, ...], ...]]] = {
    "topup": (
        ("09121234567", 200000, None),
        ("09351234567", 500000, None),
        ("09121234567", 1000000, None),
        ("09191234567", 300000, 2),
    ),
    "package": (
        ("09121234567", None),
        ("09351234567", None),
        ("09211234567", None),
        ("09191234567", 2),
    ),
}

_GUIDE: Final = (
    "راهنمای تکمیل فایل",
    "",
    "ستون‌ها با عنوانشان شناخته می‌شوند (فارسی یا انگلیسی، به هر ترتیب). ستون‌های اضافه نادیده گرفته می‌شوند.",
    "اگر سطر عنوان نباشد، ستون‌ها به ترتیب خوانده می‌شوند: شماره موبایل، مبلغ (ریال)، اپراتور "
    "(فایل بسته: شماره موبایل، اپراتور).",
    "شماره موبایل را به شکل 09121234567 وارد کنید (ارقام فارسی هم پذیرفته است).",
    "مبلغ شارژ به ریال و عدد صحیح است: از ۲۰۰٬۰۰۰ تا ۱٬۰۰۰٬۰۰۰ ریال. جداکننده‌ی هزارگان مجاز است.",
    "شماره‌ی تکراری مجاز است (مثلاً برای شارژ بیشتر) و فقط هشدار داده می‌شود.",
    "ستون اپراتور اختیاری است؛ برای شماره‌ی ترابردشده (منتقل‌شده به اپراتور دیگر) کد اپراتور جدید را بنویسید.",
    "سطرهای خالی نادیده گرفته می‌شوند.",
    "حداکثر ۱۰۰٬۰۰۰ سطر و حجم ۲۰ مگابایت در هر فایل؛ قالب‌های ‎.xlsx‎ و ‎.xls‎ پذیرفته می‌شوند. فایل رمزدار پذیرفته نمی‌شود.",
    "",
    "کد اپراتورها",
)
_OPERATOR_CODES: Final = ((1, "همراه اول"), (2, "ایرانسل"), (3, "رایتل"), (5, "شاتل"))


class OpenpyxlWorkbookWriter(WorkbookWriter):
    """A ``WorkbookWriter`` (kook.application.recharges.sheets) over openpyxl's write-only mode."""

    def error_workbook(self, headers: Sequence[str], rows: Sequence[ErrorRow]) -> bytes:
        width = max([len(headers), *(len(row.cells) for row in rows)])
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("خطاها")
        sheet.sheet_view.rightToLeft = True
        for index in range(width):
            sheet.column_dimensions[get_column_letter(index + 1)].width = 18
        for index, size in enumerate((8, 14, 24, 48), start=width + 1):
            sheet.column_dimensions[get_column_letter(index)].width = size
        padded: list[Cell] = [*headers, *[None] * (width - len(headers))]
        sheet.append(
            [_cell(sheet, text, font=_HEADER_FONT, fill=_HEADER_FILL) for text in padded]
            + [_cell(sheet, text, font=_HEADER_FONT, fill=_ERROR_FILL) for text in ERROR_COLUMNS]
        )
        for row in rows:
            cells = [*row.cells, *[None] * (width - len(row.cells))]
            column = _COLUMN_LABELS.get(row.column or "", row.column or "")
            sheet.append(
                [_cell(sheet, value) for value in cells]
                + [
                    _cell(sheet, row.row, fill=_ERROR_FILL),
                    _cell(sheet, column, fill=_ERROR_FILL),
                    _cell(sheet, row.code, fill=_ERROR_FILL),
                    _cell(sheet, row.message, fill=_ERROR_FILL, alignment=_WRAP),
                ]
            )
        return _save(workbook)

    def sample(self, kind: str) -> bytes:
        if kind not in HEADER_COLUMNS:
            raise ValueError(f"unknown sample kind {kind!r}")
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("نمونه")
        sheet.sheet_view.rightToLeft = True
        for index, size in enumerate((20, 18, 12), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = size
        sheet.append([_cell(sheet, text, font=_HEADER_FONT, fill=_HEADER_FILL) for text in HEADER_COLUMNS[kind]])
        for values in _SAMPLE_ROWS[kind]:
            # The mobile is a TEXT cell, so its leading zero survives.
            sheet.append([_cell(sheet, value, text_format=index == 0) for index, value in enumerate(values)])

        guide = workbook.create_sheet("راهنما")
        guide.sheet_view.rightToLeft = True
        guide.column_dimensions["A"].width = 12
        guide.column_dimensions["B"].width = 100
        for number, line in enumerate(_GUIDE):
            font = _HEADER_FONT if number == 0 or line == "کد اپراتورها" else None
            guide.append([None, _cell(guide, line, font=font)] if line else [])
        guide.append([_cell(guide, "کد", font=_HEADER_FONT), _cell(guide, "اپراتور", font=_HEADER_FONT)])
        for code, name in _OPERATOR_CODES:
            guide.append([_cell(guide, code), _cell(guide, name)])
        return _save(workbook)


def _cell(
    sheet: object,
    value: Cell,
    *,
    font: object = None,
    fill: object = None,
    alignment: object = None,
    text_format: bool = False,
) -> WriteOnlyCell:
    if value == "":
        value = None
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)[:_MAX_TEXT]
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # never a formula ("=…") nor an error value ("#N/A")
        cell.number_format = "@"
    else:
        cell = WriteOnlyCell(sheet, value=value)
        if text_format:
            cell.number_format = "@"
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
