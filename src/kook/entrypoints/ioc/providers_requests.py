"""dishka wiring of bulk requests: the unit of work (with the ledger), the sheet adapters, the use cases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import cast

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.excel.calamine_sheet_reader import CalamineSheetReader
from kook.adapters.excel.openpyxl_workbook_writer import OpenpyxlWorkbookWriter
from kook.adapters.postgres.repositories.idempotency import SqlIdempotencyStore
from kook.adapters.postgres.unit_of_work.requests import SqlRequestsUnitOfWork
from kook.adapters.postgres.unit_of_work.schedules import SqlSchedulesUnitOfWork
from kook.application.recharges.confirmation import CancelRequest, ConfirmRequest, SummarizeRequest
from kook.application.recharges.lines import AddLine, DeleteLine, EditLine, ListLines
from kook.application.recharges.request_ports import RequestsUnitOfWork
from kook.application.recharges.requests import (
    CreateRequest,
    DeleteRequest,
    GetRequest,
    ListRequests,
    RenameRequest,
    RequestNames,
)
from kook.application.recharges.runs import (
    CancelFutureRuns,
    ChangeRunsEnd,
    DeliverRunNotices,
    ListRuns,
    ListUpcomingRuns,
    PauseRuns,
    RemindShortRuns,
    ResumeRuns,
    RunsConfig,
    SkipRun,
)
from kook.application.recharges.schedule_ports import SchedulesUnitOfWork
from kook.application.recharges.sheets import Cell, SheetReader, WorkbookWriter
from kook.application.recharges.start_due_requests import StartDueRequests
from kook.application.recharges.uploads import ImportUpload, RowsFromGrid, SheetRowLike, UploadErrors
from kook.application.shared.idempotency import IdempotencyStore, IdempotentCalls
from kook.application.shared.ports import Clock
from kook.domain.recharges.sheet_rows import Kind, rows_from_grid
from kook.entrypoints.settings import Settings


def _rows(grid_rows: Sequence[Sequence[Cell]], kind: str) -> Sequence[SheetRowLike]:
    return rows_from_grid(grid_rows, cast(Kind, kind))


class RequestsInfrastructure(Provider):
    scope = Scope.APP

    @provide
    def sheet_reader(self, settings: Settings) -> SheetReader:
        return CalamineSheetReader()

    @provide
    def workbook_writer(self) -> WorkbookWriter:
        return OpenpyxlWorkbookWriter()

    @provide
    def rows_parser(self) -> RowsFromGrid:
        return _rows

    @provide
    def idempotency_store(self, factory: async_sessionmaker[AsyncSession]) -> IdempotencyStore:
        return SqlIdempotencyStore(factory)

    @provide
    def runs_config(self, settings: Settings) -> RunsConfig:
        return RunsConfig(reminder_before=timedelta(hours=settings.run.reminder_hours))


class RequestsUseCases(Provider):
    scope = Scope.REQUEST

    @provide
    def unit_of_work(self, factory: async_sessionmaker[AsyncSession], clock: Clock) -> RequestsUnitOfWork:
        return SqlRequestsUnitOfWork(factory, clock)

    create = provide(CreateRequest)
    list_requests = provide(ListRequests)
    request_names = provide(RequestNames)
    get = provide(GetRequest)
    rename = provide(RenameRequest)
    delete = provide(DeleteRequest)
    add_line = provide(AddLine)
    edit_line = provide(EditLine)
    delete_line = provide(DeleteLine)
    list_lines = provide(ListLines)
    import_upload = provide(ImportUpload)
    upload_errors = provide(UploadErrors)
    summarize = provide(SummarizeRequest)
    confirm = provide(ConfirmRequest)
    cancel = provide(CancelRequest)

    @provide
    def schedules_unit_of_work(self, factory: async_sessionmaker[AsyncSession], clock: Clock) -> SchedulesUnitOfWork:
        return SqlSchedulesUnitOfWork(factory, clock)

    start_due = provide(StartDueRequests)
    list_runs = provide(ListRuns)
    list_upcoming_runs = provide(ListUpcomingRuns)
    pause_runs = provide(PauseRuns)
    resume_runs = provide(ResumeRuns)
    skip_run = provide(SkipRun)
    change_runs_end = provide(ChangeRunsEnd)
    cancel_future_runs = provide(CancelFutureRuns)
    remind_short_runs = provide(RemindShortRuns)
    deliver_run_notices = provide(DeliverRunNotices)
    idempotent_calls = provide(IdempotentCalls)
