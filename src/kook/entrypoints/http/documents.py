"""The accountant's papers over HTTP: a finished request's invoice (PDF) and the monthly wallet
statement (PDF or ``.xlsx``).

The documents are HTML+CSS templates (``document_templates``) rendered here with
the portal's filters (Persian digits, Jalali dates, rials), then turned into PDF
by WeasyPrint in a worker thread. Another customer's request or statement is a
404, like a missing one.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import jinja2
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery

from kook.adapters.excel.statement_workbook import OpenpyxlStatementWorkbook, RowText
from kook.adapters.pdf.weasy import WeasyPrintRenderer
from kook.application.reporting.get_invoice import GetInvoice
from kook.application.reporting.get_monthly_statement import GetMonthlyStatement
from kook.application.shared.ports import StatementLine
from kook.domain.invoicing.invoice import Invoice
from kook.domain.invoicing.statement import MonthlyStatement
from kook.domain.invoicing.words import amount_in_words
from kook.domain.routing.operator import Operator
from kook.domain.shared.errors import NotFound, ValidationFailed
from kook.domain.shared.jalali import TEHRAN, JalaliDate
from kook.entrypoints.http.api.request_models import xlsx_response
from kook.entrypoints.http.context import resolve
from kook.entrypoints.http.session_customer import customer_of
from kook.entrypoints.http.statement import DescribedLine, described_lines
from kook.entrypoints.http.web.filters import register_filters
from kook.entrypoints.http.web.rendering import redirect

Req = Request[Any, Any, Any]
TEMPLATES: Final = Path(__file__).parent / "document_templates"  # printed papers, not portal pages
PDF: Final = "application/pdf"
OPERATOR_NAMES: Final = {int(op): op.name_fa for op in Operator}
MONTH_NAMES: Final = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
_MONTH_FILE = re.compile(r"(0?[1-9]|1[0-2])\.(pdf|xlsx)")

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
)
register_filters(_env)


def month_picker(now: datetime) -> dict[str, Any]:
    """The statement page's month picker: this Jalali month (Tehran) chosen, the months by name."""
    today = JalaliDate.from_date(now.astimezone(TEHRAN).date())
    return {"year": today.year, "month": today.month, "months": list(enumerate(MONTH_NAMES, start=1))}


def invoice_html(invoice: Invoice) -> str:
    return _env.get_template("invoice.html").render(
        invoice=invoice, operators=OPERATOR_NAMES, total_words=amount_in_words(invoice.amounts.total)
    )


def statement_html(statement: MonthlyStatement, lines: list[DescribedLine], customer_name: str = "") -> str:
    return _env.get_template("statement.html").render(
        statement=statement,
        rows=list(zip(statement.rows, lines, strict=True)),
        month_name=MONTH_NAMES[statement.month - 1],
        customer_name=customer_name,
    )


def pdf_response(content: bytes, filename: str) -> Response[bytes]:
    return Response(
        content,
        media_type=PDF,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


def _reference(line: DescribedLine) -> str:
    if line.request_id is not None:
        return line.memo.rpartition(" — ")[2]
    if line.reference:
        return f"{line.reference_label} {line.reference}"
    return ""


async def _described(request: Req, statement: MonthlyStatement) -> list[DescribedLine]:
    lines = [
        StatementLine(
            entry_id=r.movement.entry_id,
            kind=r.movement.kind,
            memo=r.movement.memo,
            created_at=r.movement.created_at,
            available_change=r.movement.available_change,
            held_change=r.movement.held_change,
        )
        for r in statement.rows
    ]
    return await described_lines(request, statement.customer_id, lines)


def parse_month_file(year: str, month_file: str) -> tuple[int, int, str]:
    """``1405`` and ``9.pdf`` (or ``09.xlsx``) → (1405, 9, "pdf"); anything else a ValidationFailed."""
    found = _MONTH_FILE.fullmatch(month_file)
    if not year.isascii() or not year.isdigit() or len(year) != 4 or found is None:
        raise ValidationFailed({"month": "invalid"})
    return int(year), int(found.group(1)), found.group(2)


class InvoiceController(Controller):
    path = "/api/v1/requests"
    tags = ["requests"]

    @get("/{request_id:str}/invoice.pdf")
    @inject
    async def invoice(
        self,
        request: Req,
        get_invoice: FromDishka[GetInvoice],
        weasy_print_renderer: FromDishka[WeasyPrintRenderer],
        request_id: FromPath[str],
    ) -> Response[bytes]:
        """The sales invoice of a finished request (completed, or with failures) with a line delivered.

        404 for another customer's request, one not finished, or one with nothing delivered. The number is
        issued on the first download (gapless per Jalali year) and never changes.
        """
        customer_id, _, _ = await customer_of(request)
        invoice = await get_invoice(customer_id, request_id)
        pdf = await weasy_print_renderer.render(invoice_html(invoice))
        return pdf_response(pdf, f"invoice-{invoice.number.text}.pdf")


class WalletStatementsController(Controller):
    path = "/api/v1/wallet/statements"
    tags = ["wallet"]

    @get("/{year:str}/{month_file:str}")
    @inject
    async def statement(
        self,
        request: Req,
        get_monthly_statement: FromDishka[GetMonthlyStatement],
        year: FromPath[str],
        month_file: FromPath[str],
    ) -> Response[bytes]:
        """The wallet's statement of a Jalali month (``/1405/9.pdf`` or ``/1405/9.xlsx``): opening balance,
        every entry with its reference, closing balance. A month not yet begun is 422 ``validation_error``."""
        jy, jm, kind = parse_month_file(year, month_file)
        customer_id, _, _ = await customer_of(request)
        statement = await get_monthly_statement(customer_id, jy, jm)
        lines = await _described(request, statement)
        name = f"wallet-statement-{jy:04d}-{jm:02d}"
        if kind == "xlsx":
            texts = [RowText(line.text, _reference(line)) for line in lines]
            title = f"گردش {MONTH_NAMES[jm - 1]} {jy}"
            content = await (await resolve(request, OpenpyxlStatementWorkbook)).statement(statement, texts, title)
            return xlsx_response(content, f"{name}.xlsx")
        pdf = await (await resolve(request, WeasyPrintRenderer)).render(statement_html(statement, lines))
        return pdf_response(pdf, f"{name}.pdf")


class StatementDownloadPages(Controller):
    """The month picker of the statement page (a plain GET form) sends the person to the file."""

    path = "/wallet/statements"
    include_in_schema = False

    @get("/download")
    async def download(
        self, year: FromQuery[str | None] = None, month: FromQuery[str | None] = None, format: FromQuery[str] = "pdf"
    ) -> Response[Any]:
        kind = "xlsx" if format == "xlsx" else "pdf"
        y = (year or "").translate(_LATIN)
        m = (month or "").translate(_LATIN)
        if not (y.isdigit() and m.isdigit()):
            raise NotFound()
        return redirect(f"/api/v1/wallet/statements/{int(y):04d}/{int(m)}.{kind}")


_LATIN: Final = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
