"""dishka wiring of bulk requests: the unit of work (with the ledger), the sheet adapters, the use cases."""

from __future__ import annotations

from datetime import timedelta

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.excel.calamine_sheet_reader import CalamineSheetReader
from kook.adapters.excel.openpyxl_workbook_writer import OpenpyxlWorkbookWriter
from kook.adapters.postgres.idempotency_store import SqlIdempotencyStore
from kook.adapters.postgres.unit_of_work_requests import SqlRequestsUnitOfWork
from kook.adapters.postgres.unit_of_work_schedules import SqlSchedulesUnitOfWork
from kook.application.recharges.add_line import AddLine
from kook.application.recharges.cancel_future_runs import CancelFutureRuns
from kook.application.recharges.cancel_request import CancelRequest
from kook.application.recharges.change_runs_end import ChangeRunsEnd
from kook.application.recharges.confirm_recharge_request import ConfirmRechargeRequest
from kook.application.recharges.create_request import CreateRequest
from kook.application.recharges.delete_line import DeleteLine
from kook.application.recharges.delete_request import DeleteRequest
from kook.application.recharges.deliver_run_notices import DeliverRunNotices
from kook.application.recharges.edit_line import EditLine
from kook.application.recharges.get_request import GetRequest
from kook.application.recharges.get_request_names import GetRequestNames
from kook.application.recharges.import_recharge_sheet import ImportRechargeSheet
from kook.application.recharges.list_lines import ListLines
from kook.application.recharges.list_requests import ListRequests
from kook.application.recharges.list_runs import ListRuns
from kook.application.recharges.list_upcoming_runs import ListUpcomingRuns
from kook.application.recharges.list_upload_errors import ListUploadErrors
from kook.application.recharges.pause_runs import PauseRuns
from kook.application.recharges.ports import RequestsUnitOfWork, SchedulesUnitOfWork, SheetReader, WorkbookWriter
from kook.application.recharges.remind_short_runs import RemindShortRuns
from kook.application.recharges.rename_request import RenameRequest
from kook.application.recharges.resume_runs import ResumeRuns
from kook.application.recharges.runs_action import RunsConfig
from kook.application.recharges.skip_run import SkipRun
from kook.application.recharges.start_due_requests import StartDueRequests
from kook.application.recharges.summarize_request import SummarizeRequest
from kook.application.shared.idempotency import IdempotentCalls
from kook.application.shared.ports import Clock, IdempotencyStore
from kook.entrypoints.settings import Settings


class RequestsInfrastructure(Provider):
    scope = Scope.APP

    @provide
    def sheet_reader(self, settings: Settings) -> SheetReader:
        return CalamineSheetReader()

    @provide
    def workbook_writer(self) -> WorkbookWriter:
        return OpenpyxlWorkbookWriter()

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
    request_names = provide(GetRequestNames)
    get = provide(GetRequest)
    rename = provide(RenameRequest)
    delete = provide(DeleteRequest)
    add_line = provide(AddLine)
    edit_line = provide(EditLine)
    delete_line = provide(DeleteLine)
    list_lines = provide(ListLines)
    import_upload = provide(ImportRechargeSheet)
    upload_errors = provide(ListUploadErrors)
    summarize = provide(SummarizeRequest)
    confirm = provide(ConfirmRechargeRequest)
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
