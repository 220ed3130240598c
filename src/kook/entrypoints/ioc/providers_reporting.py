"""dishka providers of the reporting context (read models and report workbooks)."""

from __future__ import annotations

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.excel.report_workbook import OpenpyxlReportWorkbook
from kook.adapters.postgres.readers.transactions import SqlTransactionReader
from kook.application.reporting.export_transactions import ExportTransactions
from kook.application.reporting.list_transactions import ListTransactions
from kook.application.reporting.ports import TransactionReader, TransactionWorkbook


class ReportingProvider(Provider):
    scope = Scope.REQUEST

    @provide(scope=Scope.APP)
    def transaction_reader(self, factory: async_sessionmaker[AsyncSession]) -> TransactionReader:
        return SqlTransactionReader(factory)

    @provide(scope=Scope.APP)
    def transaction_workbook(self) -> TransactionWorkbook:
        return OpenpyxlReportWorkbook()

    list_transactions = provide(ListTransactions)
    export_transactions = provide(ExportTransactions)
