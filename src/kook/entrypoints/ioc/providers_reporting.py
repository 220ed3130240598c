"""dishka providers of the reporting context (read models, report workbooks and background exports)."""

from __future__ import annotations

from pathlib import Path

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from kook.adapters.excel.export_files import LocalExportFiles
from kook.adapters.excel.money_workbooks import OpenpyxlMoneyWorkbooks
from kook.adapters.excel.report_workbook import OpenpyxlReportWorkbook
from kook.adapters.excel.transactions_export import ThreadedTransactionExport
from kook.adapters.postgres.readers.daily_totals import SqlDailyTotalsReader
from kook.adapters.postgres.readers.payments import SqlPaymentReader
from kook.adapters.postgres.readers.sales import SqlSalesReader
from kook.adapters.postgres.readers.transaction_rows import ThreadTransactionRows
from kook.adapters.postgres.readers.transactions import SqlTransactionReader
from kook.adapters.postgres.repositories.report_exports import SqlExportRepository
from kook.adapters.postgres.repositories.report_totals import SqlTransactionTotalsFolder
from kook.application.reporting.daily_totals import DailyTotalsReader, DailyTotalsReport
from kook.application.reporting.export_transactions import ExportTransactions
from kook.application.reporting.exports import (
    ExportDownload,
    ExportRepository,
    ExportStatus,
    PurgeExpiredExports,
    RunTransactionExport,
    StartTransactionExport,
)
from kook.application.reporting.fold_totals import FoldTransactionTotals
from kook.application.reporting.list_transactions import ListTransactions
from kook.application.reporting.payments import ExportPayments, ListPayments, PaymentReader, PaymentWorkbook
from kook.application.reporting.ports import (
    ExportFiles,
    TransactionExporter,
    TransactionReader,
    TransactionTotalsFolder,
    TransactionWorkbook,
)
from kook.application.reporting.sales import ExportSalesSummary, SalesReader, SalesSummaryReport, SalesWorkbook
from kook.entrypoints.settings import Settings


class ReportingProvider(Provider):
    scope = Scope.REQUEST

    @provide(scope=Scope.APP)
    def transaction_reader(self, factory: async_sessionmaker[AsyncSession]) -> TransactionReader:
        return SqlTransactionReader(factory)

    @provide(scope=Scope.APP)
    def transaction_workbook(self) -> TransactionWorkbook:
        return OpenpyxlReportWorkbook()

    @provide(scope=Scope.APP)
    def transaction_exporter(self, engine: AsyncEngine) -> TransactionExporter:
        return ThreadedTransactionExport(ThreadTransactionRows(engine))

    @provide(scope=Scope.APP)
    def export_files(self, settings: Settings) -> ExportFiles:
        return LocalExportFiles(Path(settings.data_dir) / "exports")

    @provide(scope=Scope.APP)
    def export_repository(self, factory: async_sessionmaker[AsyncSession]) -> ExportRepository:
        return SqlExportRepository(factory)

    @provide(scope=Scope.APP)
    def totals_folder(self, factory: async_sessionmaker[AsyncSession]) -> TransactionTotalsFolder:
        return SqlTransactionTotalsFolder(factory)

    list_transactions = provide(ListTransactions)
    fold_transaction_totals = provide(FoldTransactionTotals)
    export_transactions = provide(ExportTransactions)

    @provide(scope=Scope.APP)
    def sales_reader(self, factory: async_sessionmaker[AsyncSession]) -> SalesReader:
        return SqlSalesReader(factory)

    @provide(scope=Scope.APP)
    def payment_reader(self, factory: async_sessionmaker[AsyncSession]) -> PaymentReader:
        return SqlPaymentReader(factory)

    @provide(scope=Scope.APP)
    def daily_totals_reader(self, factory: async_sessionmaker[AsyncSession]) -> DailyTotalsReader:
        return SqlDailyTotalsReader(factory)

    @provide(scope=Scope.APP)
    def money_workbooks(self) -> OpenpyxlMoneyWorkbooks:
        return OpenpyxlMoneyWorkbooks()

    @provide(scope=Scope.APP)
    def sales_workbook(self, workbooks: OpenpyxlMoneyWorkbooks) -> SalesWorkbook:
        return workbooks

    @provide(scope=Scope.APP)
    def payment_workbook(self, workbooks: OpenpyxlMoneyWorkbooks) -> PaymentWorkbook:
        return workbooks

    sales_summary = provide(SalesSummaryReport)
    export_sales_summary = provide(ExportSalesSummary)
    list_payments = provide(ListPayments)
    export_payments = provide(ExportPayments)
    daily_totals = provide(DailyTotalsReport)
    start_transaction_export = provide(StartTransactionExport)
    run_transaction_export = provide(RunTransactionExport)
    export_status = provide(ExportStatus)
    export_download = provide(ExportDownload)
    purge_expired_exports = provide(PurgeExpiredExports)
