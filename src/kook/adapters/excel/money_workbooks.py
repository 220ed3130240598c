"""Workbooks of خلاصه سر جمع فروش and گزارش پرداخت (openpyxl write-only, off the event loop).

The same rules as ریز تراکنش's: right-to-left sheet, Persian headers, frozen header, column widths,
Jalali date and Tehran time columns, amounts as numbers with a thousands format, and every text that
came from a person or an outside system (package titles, references, bank names) written as text.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Final

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]

from kook.adapters.excel.report_workbook import amount_cell, text_cell
from kook.application.reporting.ports import (
    PaymentRow,
    PaymentTotals,
    PaymentWorkbook,
    SalesGroup,
    SalesSummary,
    SalesWorkbook,
)
from kook.domain.routing.operator import Operator
from kook.domain.shared.jalali import TEHRAN, from_gregorian
from kook.domain.wallet.bank_accounts import bank_name_fa

_HEADER_FONT: Final = Font(bold=True)
_HEADER_FILL: Final = PatternFill("solid", fgColor="DDEBF7")
OPERATOR_NAMES: Final = {int(op): op.name_fa for op in Operator}
KIND_LABELS: Final = {"online": "پرداخت اینترنتی", "slip": "فیش واریزی"}
PAYMENT_STATUS_LABELS: Final = {
    "pending": "در انتظار",
    "verified": "موفق",
    "approved": "تأیید شده",
    "failed": "ناموفق",
    "expired": "منقضی",
    "reversed": "برگشت داده شده",
    "rejected": "رد شده",
}
GATEWAY_LABELS: Final = {"sandbox": "درگاه آزمایشی"}
SALES_COLUMNS: Final = (
    ("شرح", 30),
    ("تعداد فروش", 12),
    ("مبلغ فروش (ریال)", 18),
    ("تعداد ناموفق", 12),
    ("برگشتی (ریال)", 16),
    ("تعداد نامشخص", 12),
    ("مبلغ نامشخص (ریال)", 18),
)
PAYMENT_COLUMNS: Final = (
    ("تاریخ", 12),
    ("ساعت", 8),
    ("نوع", 16),
    ("وضعیت", 14),
    ("مبلغ (ریال)", 16),
    ("شماره پیگیری / مرجع", 24),
    ("بانک / درگاه", 16),
    ("کارت", 20),
    ("تاریخ تسویه", 12),
)


def product_label(group: SalesGroup) -> str:
    if group.product == "airtime":
        return "شارژ"
    title = group.package_title or group.package_code or ""
    return f"بسته اینترنت — {title}" if title else "بسته اینترنت"


def operator_label(group: SalesGroup) -> str:
    return OPERATOR_NAMES.get(group.operator or 0, "نامشخص")


def bank_label(row: PaymentRow) -> str:
    return GATEWAY_LABELS.get(row.bank, row.bank) if row.kind == "online" else bank_name_fa(row.bank)


def jalali_parts(moment: datetime) -> tuple[str, str]:
    local = moment.astimezone(TEHRAN)
    year, month, day = from_gregorian(local.date())
    return f"{year:04d}/{month:02d}/{day:02d}", f"{local.hour:02d}:{local.minute:02d}"


def _sheet(workbook: Any, title: str, columns: Sequence[tuple[str, int]]) -> Any:
    sheet = workbook.create_sheet(title)
    sheet.sheet_view.rightToLeft = True
    sheet.freeze_panes = "A2"
    for index, (_title, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([text_cell(sheet, name, font=_HEADER_FONT, fill=_HEADER_FILL) for name, _ in columns])
    return sheet


def _group_row(sheet: Any, label: str, group: SalesGroup, *, bold: bool = False) -> list[Any]:
    return [
        text_cell(sheet, label, font=_HEADER_FONT if bold else None),
        amount_cell(sheet, group.count),
        amount_cell(sheet, group.amount),
        amount_cell(sheet, group.failed_count),
        amount_cell(sheet, group.failed_amount),
        amount_cell(sheet, group.pending_count),
        amount_cell(sheet, group.pending_amount),
    ]


def _sales_bytes(summary: SalesSummary) -> bytes:
    workbook = Workbook(write_only=True)
    products = _sheet(workbook, "فروش به تفکیک محصول", SALES_COLUMNS)
    for group in summary.products:
        products.append(_group_row(products, product_label(group), group))
    products.append(_group_row(products, "جمع", summary.total, bold=True))
    operators = _sheet(workbook, "فروش به تفکیک اپراتور", SALES_COLUMNS)
    for group in summary.operators:
        operators.append(_group_row(operators, operator_label(group), group))
    operators.append(_group_row(operators, "جمع", summary.total, bold=True))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _payments_bytes(rows: list[PaymentRow], totals: PaymentTotals, with_customer: bool) -> bytes:
    workbook = Workbook(write_only=True)
    columns = ((("شناسه مشتری", 34),) if with_customer else ()) + PAYMENT_COLUMNS
    sheet = _sheet(workbook, "گزارش پرداخت", columns)
    for row in rows:
        day, clock = jalali_parts(row.created_at)
        settled = jalali_parts(row.settled_at)[0] if row.settled_at is not None else None
        sheet.append(
            ([text_cell(sheet, row.customer_id)] if with_customer else [])
            + [
                text_cell(sheet, day),
                text_cell(sheet, clock),
                text_cell(sheet, KIND_LABELS.get(row.kind, row.kind)),
                text_cell(sheet, PAYMENT_STATUS_LABELS.get(row.status, row.status)),
                amount_cell(sheet, row.amount),
                text_cell(sheet, row.reference),
                text_cell(sheet, bank_label(row)),
                text_cell(sheet, row.card_mask),
                text_cell(sheet, settled),
            ]
        )
    summary = workbook.create_sheet("جمع")
    summary.sheet_view.rightToLeft = True
    summary.column_dimensions["A"].width = 28
    summary.column_dimensions["B"].width = 18
    for label, value in (
        ("تعداد", totals.count),
        ("جمع مبلغ (ریال)", totals.amount),
        ("واریز شده به کیف پول (ریال)", totals.settled),
        ("در انتظار (ریال)", totals.pending),
    ):
        summary.append([text_cell(summary, label, font=_HEADER_FONT), amount_cell(summary, value)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class OpenpyxlMoneyWorkbooks(SalesWorkbook, PaymentWorkbook):
    async def sales(self, summary: SalesSummary) -> bytes:
        return await asyncio.to_thread(_sales_bytes, summary)

    async def payments(
        self, rows: Iterable[PaymentRow], totals: PaymentTotals, *, with_customer: bool = False
    ) -> bytes:
        return await asyncio.to_thread(_payments_bytes, list(rows), totals, with_customer)
