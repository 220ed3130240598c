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
from kook.application.reporting.download_export import DownloadExport
from kook.application.reporting.export_payments import ExportPayments
from kook.application.reporting.export_sales_summary import ExportSalesSummary
from kook.application.reporting.export_transactions import ExportTransactions
from kook.application.reporting.fold_transaction_totals import FoldTransactionTotals
from kook.application.reporting.get_daily_totals import GetDailyTotals
from kook.application.reporting.get_export_status import GetExportStatus
from kook.application.reporting.get_sales_summary import GetSalesSummary
from kook.application.reporting.list_payments import ListPayments
from kook.application.reporting.list_transactions import ListTransactions
from kook.application.reporting.ports import (
    DailyTotalsReader,
    ExportFiles,
    ExportRepository,
    PaymentReader,
    PaymentWorkbook,
    SalesReader,
    SalesWorkbook,
    TransactionExporter,
    TransactionReader,
    TransactionTotalsFolder,
    TransactionWorkbook,
)
from kook.application.reporting.purge_expired_exports import PurgeExpiredExports
from kook.application.reporting.run_transaction_export import RunTransactionExport
from kook.application.reporting.start_transaction_export import StartTransactionExport
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

    sales_summary = provide(GetSalesSummary)
    export_sales_summary = provide(ExportSalesSummary)
    list_payments = provide(ListPayments)
    export_payments = provide(ExportPayments)
    daily_totals = provide(GetDailyTotals)
    start_transaction_export = provide(StartTransactionExport)
    run_transaction_export = provide(RunTransactionExport)
    export_status = provide(GetExportStatus)
    export_download = provide(DownloadExport)
    purge_expired_exports = provide(PurgeExpiredExports)
