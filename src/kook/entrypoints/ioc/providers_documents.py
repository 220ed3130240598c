"""dishka providers of the accountant's papers: invoices and monthly wallet statements."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.excel.statement_workbook import OpenpyxlStatementWorkbook
from kook.adapters.pdf.weasy import WeasyPrintRenderer
from kook.adapters.postgres.readers.invoices import SqlInvoiceBook
from kook.adapters.postgres.readers.statements import SqlStatementReader
from kook.application.reporting.get_invoice import GetInvoice
from kook.application.reporting.get_monthly_statement import GetMonthlyStatement
from kook.application.reporting.ports import InvoiceBook, InvoicePolicy, StatementReader
from kook.domain.invoicing.invoice import Party
from kook.entrypoints.settings import Settings

HTTP: Final = Path(__file__).resolve().parent.parent / "http"
DOCUMENT_CSS: Final = HTTP / "document_templates" / "document.css"
FONT: Final = HTTP / "static" / "vendor" / "fonts" / "Vazirmatn-Variable.woff2"
# PDFs rendered at once per process (each a few hundred ms of CPU in a worker thread)
PDF_CONCURRENCY: Final = 2


def invoice_policy(settings: Settings) -> InvoicePolicy:
    s = settings.seller
    seller = Party(
        kind="legal",
        name=s.name,
        national_id=s.national_id,
        economic_code=s.economic_code,
        registration_number=s.registration_number,
        address=s.address,
        postal_code=s.postal_code,
        phone=s.phone,
    )
    return InvoicePolicy(seller=seller, vat_percent=settings.vat_percent)


class DocumentsProvider(Provider):
    scope = Scope.REQUEST

    @provide(scope=Scope.APP)
    def invoice_book(self, factory: async_sessionmaker[AsyncSession]) -> InvoiceBook:
        return SqlInvoiceBook(factory)

    @provide(scope=Scope.APP)
    def statement_reader(self, factory: async_sessionmaker[AsyncSession]) -> StatementReader:
        return SqlStatementReader(factory)

    @provide(scope=Scope.APP)
    def policy(self, settings: Settings) -> InvoicePolicy:
        return invoice_policy(settings)

    @provide(scope=Scope.APP)
    def pdf_renderer(self) -> WeasyPrintRenderer:
        return WeasyPrintRenderer(DOCUMENT_CSS, FONT, PDF_CONCURRENCY)

    @provide(scope=Scope.APP)
    def statement_workbook(self) -> OpenpyxlStatementWorkbook:
        return OpenpyxlStatementWorkbook()

    get_invoice = provide(GetInvoice)
    get_monthly_statement = provide(GetMonthlyStatement)
