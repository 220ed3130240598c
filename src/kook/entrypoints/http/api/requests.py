"""JSON API of bulk requests (API.md "Requests") and the sample spreadsheets."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody

from kook.application.recharges.add_line import AddLine
from kook.application.recharges.cancel_future_runs import CancelFutureRuns
from kook.application.recharges.cancel_request import CancelRequest
from kook.application.recharges.change_runs_end import ChangeRunsEnd
from kook.application.recharges.confirm_recharge_request import ConfirmRechargeRequest
from kook.application.recharges.create_request import CreateRequest
from kook.application.recharges.delete_line import DeleteLine
from kook.application.recharges.delete_request import DeleteRequest
from kook.application.recharges.edit_line import EditLine
from kook.application.recharges.get_request import GetRequest
from kook.application.recharges.import_recharge_sheet import ImportRechargeSheet, UploadCommand
from kook.application.recharges.line_checker import LineInput
from kook.application.recharges.list_lines import ListLines
from kook.application.recharges.list_requests import ListRequests
from kook.application.recharges.list_runs import ListRuns, RunsView
from kook.application.recharges.list_upload_errors import ListUploadErrors
from kook.application.recharges.pause_runs import PauseRuns
from kook.application.recharges.ports import ErrorRow, LineCursor, LineView, WorkbookWriter
from kook.application.recharges.rename_request import RenameRequest
from kook.application.recharges.resume_runs import ResumeRuns
from kook.application.recharges.skip_run import SkipRun
from kook.application.recharges.summarize_request import SummarizeRequest
from kook.domain.recharges.line import ProductKind
from kook.domain.recharges.request import Request as BulkRequest
from kook.domain.shared.errors import DomainError, NotFound, ValidationFailed
from kook.domain.shared.jalali import TEHRAN, JalaliDate
from kook.domain.shared.money import MAX_STORABLE_RIALS, parse_rials
from kook.entrypoints.http.api.wallet import customer_of
from kook.entrypoints.http.context import resolve
from kook.entrypoints.http.cursors import decode_cursor, encode_cursor
from kook.entrypoints.http.idempotency import idempotent
from kook.entrypoints.http.messages import error_text
from kook.entrypoints.http.roles import authorize_confirmation

Req = Request[Any, Any, Any]
PAGE = 50
LINES_PAGE = 100
# The reader answers file_too_large itself (20 MB); the body limit sits above it.
UPLOAD_BODY_LIMIT = 24 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMN_TITLES = {"mobile": "شماره موبایل", "amount": "مبلغ", "operator": "اپراتور", "package_code": "بسته"}


class RequestBody(msgspec.Struct):
    name: str
    kind: str


class RenameBody(msgspec.Struct):
    name: str


class RepeatBody(msgspec.Struct, forbid_unknown_fields=True):
    every: str
    weekdays: list[int | str] | None = None
    day: int | str | None = None
    time: str | None = None
    until: str | None = None
    count: int | str | None = None


class ConfirmBody(msgspec.Struct, forbid_unknown_fields=True):
    schedule_at: str | None = None
    repeat: RepeatBody | None = None


class RepeatOut(msgspec.Struct):
    every: str
    time: str
    weekdays: list[int]
    day: int | None
    until: str | None
    count: int | None


class RequestOut(msgspec.Struct):
    id: str
    name: str
    kind: str
    status: str
    created_at: datetime
    confirmed_at: datetime | None
    total_held: int
    schedule_at: datetime | None = None
    repeat: RepeatOut | None = None
    next_run_at: datetime | None = None
    runs_started: int = 0
    parent_id: str | None = None
    run_number: int | None = None


class RunMoney(msgspec.Struct):
    total: int
    settled: int
    released: int
    held: int


class RunLines(msgspec.Struct):
    total: int
    pending: int
    succeeded: int
    failed: int
    unknown: int


class PastRunOut(msgspec.Struct):
    number: int
    run_at: datetime  # Tehran time: when the run started, or the occurrence that made no run
    run_at_jalali: str
    status: str  # the run's status, or not_funded | skipped
    request_id: str | None
    lines: RunLines | None
    money: RunMoney | None
    missing: int  # not_funded: how much was missing


class UpcomingRunOut(msgspec.Struct):
    number: int | None
    run_at: datetime
    run_at_jalali: str
    skipped: bool


class RunsOut(msgspec.Struct):
    status: str
    items: list[PastRunOut]
    upcoming: list[UpcomingRunOut]
    next_cursor: str | None = None


class RunAtBody(msgspec.Struct, forbid_unknown_fields=True):
    run_at: str


class RunsEndBody(msgspec.Struct, forbid_unknown_fields=True):
    until: str | None = None
    count: int | str | None = None


def tehran_jalali(moment: datetime) -> tuple[datetime, str]:
    """(the moment in Tehran time, ``1405/03/02 12:00``)."""
    local = moment.astimezone(TEHRAN)
    day = JalaliDate.from_date(local.date())
    return local, f"{day} {local.hour:02d}:{local.minute:02d}"


def runs_out(view: RunsView) -> RunsOut:
    items = []
    for past in view.past:
        local, jalali = tehran_jalali(past.at)
        run = past.run
        items.append(
            PastRunOut(
                number=past.number,
                run_at=local,
                run_at_jalali=jalali,
                status=past.status,
                request_id=run.request_id if run is not None else None,
                lines=RunLines(run.lines, run.pending, run.succeeded, run.failed, run.unknown) if run else None,
                money=RunMoney(run.total, run.settled, run.released, run.held) if run is not None else None,
                missing=past.missing,
            )
        )
    upcoming = [UpcomingRunOut(u.number, *tehran_jalali(u.at), u.skipped) for u in view.upcoming]
    return RunsOut(view.request.status.value, items, upcoming)


class RequestList(msgspec.Struct):
    items: list[RequestOut]
    next_cursor: str | None


class LineBody(msgspec.Struct):
    mobile: str | int | None = None
    amount: str | int | None = None
    package_code: str | None = None
    operator: str | int | None = None


class LineError(msgspec.Struct):
    row: int | None
    column: str | None
    code: str
    message: str


class LineOut(msgspec.Struct):
    id: str
    mobile: str
    operator: int | None
    ported: bool
    product: str
    amount: int | None
    package_title: str | None
    price: int
    status: str
    error: LineError | None
    warning: str | None
    source_row: int | None
    upload_id: str | None


class LineList(msgspec.Struct):
    items: list[LineOut]
    next_cursor: str | None


class UploadOut(msgspec.Struct):
    upload_id: str
    rows: int
    valid: int
    invalid: int
    duplicates: int


class ProductOut(msgspec.Struct):
    product: str
    title: str | None
    lines: int
    total: int


class SummaryOut(msgspec.Struct):
    lines: int
    valid: int
    invalid: int
    total: int
    by_product: list[ProductOut]
    available: int
    shortfall: int


class StatusOut(msgspec.Struct):
    status: str


def request_out(r: BulkRequest) -> RequestOut:
    return RequestOut(
        id=r.id,
        name=r.name,
        kind=r.kind.value,
        status=r.status.value,
        created_at=r.created_at,
        confirmed_at=r.confirmed_at,
        total_held=r.total_held,
        schedule_at=r.schedule_at,
        repeat=msgspec.convert(r.repeat.to_json(), RepeatOut) if r.repeat is not None else None,
        next_run_at=r.next_run_at,
        runs_started=r.runs_started,
        parent_id=r.parent_id,
        run_number=r.run_number,
    )


def line_out(line: LineView) -> LineOut:
    error = (
        LineError(line.source_row, line.error_column, line.error_code, error_text(line.error_code))
        if line.error_code
        else None
    )
    product = line.package_code or "" if line.product == ProductKind.PACKAGE.value else ProductKind.AIRTIME.value
    return LineOut(
        id=str(line.id),
        mobile=line.mobile,
        operator=line.operator,
        ported=line.ported,
        product=product,
        amount=line.amount if line.product == ProductKind.AIRTIME.value else line.price,
        package_title=line.package_title,
        price=line.price,
        status=line.status,
        error=error,
        warning="duplicate_mobile" if line.duplicate else None,
        source_row=line.source_row,
        upload_id=line.upload_id,
    )


def encode_line_cursor(cursor: LineCursor) -> str:
    return f"{cursor[0]}-{cursor[1]}"


def decode_line_cursor(cursor: str | None) -> LineCursor | None:
    if not cursor:
        return None
    try:
        phase, ident = cursor.split("-", 1)
        parsed = int(phase), int(ident)
    except ValueError:
        raise ValidationFailed({"cursor": "invalid"}) from None
    if parsed[0] not in (0, 1):
        raise ValidationFailed({"cursor": "invalid"})
    return parsed


def line_id_of(value: str) -> int:
    if not value.isdigit() or len(value) > 18:
        raise ValidationFailed({"line_id": "invalid"})
    return int(value)


def line_input(data: LineBody) -> LineInput:
    """The line as the use cases take it; an amount past what any column holds is no line at all (422)."""
    try:
        typed = parse_rials(data.amount) if data.amount not in (None, "") else None
    except DomainError:
        typed = None  # a malformed amount: the line is kept invalid with its reason
    if typed is not None and typed > MAX_STORABLE_RIALS:
        raise ValidationFailed({"amount": "amount_out_of_range"})
    return LineInput(mobile=data.mobile, amount=data.amount, package_code=data.package_code, operator=data.operator)


def error_rows(lines: list[LineView]) -> list[ErrorRow]:
    return [
        ErrorRow(
            row=line.source_row or 0,
            cells=[c if c is None or isinstance(c, str | int | float | bool) else str(c) for c in (line.cells or [])],
            column=COLUMN_TITLES.get(line.error_column or "", line.error_column),
            code=line.error_code or "",
            message=error_text(line.error_code or ""),
        )
        for line in lines
    ]


def xlsx_response(content: bytes, filename: str) -> Response[bytes]:
    return Response(
        content,
        media_type=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


class RequestsController(Controller):
    path = "/api/v1/requests"
    tags = ["requests"]

    @post("/", status_code=201)
    async def create(self, request: Req, data: JSONBody[RequestBody]) -> RequestOut:
        customer_id, _, _ = await customer_of(request)
        created = await (await resolve(request, CreateRequest))(customer_id, data.name, data.kind)
        return request_out(created)

    @get("/")
    async def list_requests(self, request: Req, cursor: FromQuery[str | None] = None) -> RequestList:
        customer_id, _, _ = await customer_of(request)
        items = await (await resolve(request, ListRequests))(customer_id, decode_cursor(cursor), PAGE + 1)
        page = items[:PAGE]
        next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if len(items) > PAGE else None
        return RequestList([request_out(r) for r in page], next_cursor)

    @get("/{request_id:str}")
    async def detail(self, request: Req, request_id: FromPath[str]) -> RequestOut:
        customer_id, _, _ = await customer_of(request)
        return request_out(await (await resolve(request, GetRequest))(request_id, customer_id))

    @patch("/{request_id:str}")
    async def rename(self, request: Req, request_id: FromPath[str], data: JSONBody[RenameBody]) -> RequestOut:
        customer_id, _, _ = await customer_of(request)
        return request_out(await (await resolve(request, RenameRequest))(request_id, customer_id, data.name))

    @delete("/{request_id:str}", status_code=204)
    async def remove(self, request: Req, request_id: FromPath[str]) -> None:
        customer_id, _, _ = await customer_of(request)
        await (await resolve(request, DeleteRequest))(request_id, customer_id)

    @post("/{request_id:str}/lines", status_code=201)
    async def add_line(self, request: Req, request_id: FromPath[str], data: JSONBody[LineBody]) -> LineOut:
        customer_id, _, _ = await customer_of(request)
        return line_out(await (await resolve(request, AddLine))(request_id, customer_id, line_input(data)))

    @get("/{request_id:str}/lines")
    async def lines(
        self,
        request: Req,
        request_id: FromPath[str],
        status: FromQuery[str | None] = None,
        cursor: FromQuery[str | None] = None,
    ) -> LineList:
        customer_id, _, _ = await customer_of(request)
        found = await (await resolve(request, ListLines))(
            request_id, customer_id, status=status or None, after=decode_line_cursor(cursor), limit=LINES_PAGE + 1
        )
        page = found[:LINES_PAGE]
        next_cursor = encode_line_cursor(page[-1][0]) if len(found) > LINES_PAGE else None
        return LineList([line_out(view) for _, view in page], next_cursor)

    @patch("/{request_id:str}/lines/{line_id:str}")
    async def edit_line(
        self, request: Req, request_id: FromPath[str], line_id: FromPath[str], data: JSONBody[LineBody]
    ) -> LineOut:
        customer_id, _, _ = await customer_of(request)
        view = await (await resolve(request, EditLine))(request_id, customer_id, line_id_of(line_id), line_input(data))
        return line_out(view)

    @delete("/{request_id:str}/lines/{line_id:str}", status_code=204)
    async def delete_line(self, request: Req, request_id: FromPath[str], line_id: FromPath[str]) -> None:
        customer_id, _, _ = await customer_of(request)
        await (await resolve(request, DeleteLine))(request_id, customer_id, line_id_of(line_id))

    @post("/{request_id:str}/uploads", status_code=201, request_max_body_size=UPLOAD_BODY_LIMIT)
    async def upload(
        self,
        request: Req,
        request_id: FromPath[str],
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> UploadOut:
        customer_id, _, _ = await customer_of(request)
        form = await request.form()
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise ValidationFailed({"file": "required"})
        content = await file.read()
        result = await (await resolve(request, ImportRechargeSheet))(
            UploadCommand(
                customer_id=customer_id,
                request_id=request_id,
                content=content,
                filename=file.filename,
                kind=form.get("kind"),
                operator=form.get("operator") or None,
                package_code=form.get("package_code") or None,
            )
        )
        return UploadOut(result.upload_id, result.rows, result.valid, result.invalid, result.duplicates)

    @get("/{request_id:str}/uploads/{upload_id:str}/errors.xlsx")
    async def upload_errors(self, request: Req, request_id: FromPath[str], upload_id: FromPath[str]) -> Response[bytes]:
        customer_id, _, _ = await customer_of(request)
        headers, lines = await (await resolve(request, ListUploadErrors))(request_id, customer_id, upload_id)
        writer = await resolve(request, WorkbookWriter)  # type: ignore[type-abstract]
        return xlsx_response(writer.error_workbook(headers, error_rows(lines)), f"errors-{upload_id[:8]}.xlsx")

    @get("/{request_id:str}/summary")
    async def summary(self, request: Req, request_id: FromPath[str]) -> SummaryOut:
        customer_id, _, _ = await customer_of(request)
        found = await (await resolve(request, SummarizeRequest))(request_id, customer_id)
        return SummaryOut(
            lines=found.lines,
            valid=found.valid,
            invalid=found.invalid,
            total=found.total,
            by_product=[ProductOut(p.product, p.title, p.lines, p.total) for p in found.by_product],
            available=found.available,
            shortfall=found.shortfall,
        )

    @post("/{request_id:str}/confirm", status_code=200)
    async def confirm(
        self, request: Req, request_id: FromPath[str], data: JSONBody[ConfirmBody | None] = None
    ) -> Response[StatusOut]:
        """Final confirmation; again → the same answer, nothing held twice. Honours ``Idempotency-Key``.

        Body (all optional; none = run now, the total held now → ``confirmed``):

        - ``schedule_at``: when to run, ISO 8601 with an offset (``2026-12-01T14:30:00+03:30``) or Jalali
          ``1405/09/10 14:30`` read as Tehran time; within a year. The total is held now; → ``scheduled``.
        - ``repeat``: ``{every: "daily"|"weekly"|"monthly", weekdays?: [0..6] (weekly; 0 = Saturday),
          day?: 1..31 (monthly, of the Jalali month; past the month's end = its last day),
          time?: "HH:MM" (Tehran, default 09:00), until?: date (Jalali ``1405-12-29`` or ISO; inclusive),
          count?: 1..1000}`` — ``until`` or ``count`` required. Nothing is held now (→ ``scheduled``);
          each run becomes its own request (``parent_id`` = this one) holding its own total when it
          starts; a run that cannot be funded does not start and the customer is told. With ``repeat``,
          ``schedule_at`` is when the repetition begins.
        """
        customer_id, user_id, _ = await customer_of(request)
        body = data or ConfirmBody()
        await authorize_confirmation(request, request_id)

        async def run() -> StatusOut:
            status = await (await resolve(request, ConfirmRechargeRequest))(
                request_id,
                customer_id,
                schedule_at=body.schedule_at,
                repeat=msgspec.to_builtins(body.repeat) if body.repeat is not None else None,
            )
            return StatusOut(status.value)

        return await idempotent(request, user_id, run, StatusOut, 200)

    @post("/{request_id:str}/cancel", status_code=200)
    async def cancel(self, request: Req, request_id: FromPath[str]) -> StatusOut:
        customer_id, _, _ = await customer_of(request)
        status = await (await resolve(request, CancelRequest))(request_id, customer_id)
        return StatusOut(status.value)

    # ------------------------------------------------------------------ runs of a repeating request

    @get("/{request_id:str}/runs")
    async def runs(self, request: Req, request_id: FromPath[str]) -> RunsOut:
        """Past runs (each with its lines' outcome counts and its money; an occurrence that could not be
        funded or was skipped has no request of its own) and the runs to come (up to 50), Tehran time with
        the Jalali date. A scheduled one-off request lists its one run to come."""
        customer_id, _, _ = await customer_of(request)
        return runs_out(await (await resolve(request, ListRuns))(request_id, customer_id))

    @post("/{request_id:str}/runs/pause", status_code=200)
    async def pause_runs(self, request: Req, request_id: FromPath[str]) -> RequestOut:
        """No run starts until resumed (nothing is held, so nothing is released); again → the same."""
        customer_id, _, _ = await customer_of(request)
        return request_out(await (await resolve(request, PauseRuns))(request_id, customer_id))

    @post("/{request_id:str}/runs/resume", status_code=200)
    async def resume_runs(self, request: Req, request_id: FromPath[str]) -> RequestOut:
        """From the first occurrence after now; those that passed while paused are not runs."""
        customer_id, _, _ = await customer_of(request)
        return request_out(await (await resolve(request, ResumeRuns))(request_id, customer_id))

    @post("/{request_id:str}/runs/skip", status_code=200)
    async def skip_run(self, request: Req, request_id: FromPath[str], data: JSONBody[RunAtBody]) -> RequestOut:
        """``{run_at}``: one of the runs to come (as listed); it will not start and keeps its number."""
        customer_id, _, _ = await customer_of(request)
        return request_out(await (await resolve(request, SkipRun))(request_id, customer_id, data.run_at))

    @post("/{request_id:str}/runs/unskip", status_code=200)
    async def unskip_run(self, request: Req, request_id: FromPath[str], data: JSONBody[RunAtBody]) -> RequestOut:
        customer_id, _, _ = await customer_of(request)
        return request_out(await (await resolve(request, SkipRun))(request_id, customer_id, data.run_at, undo=True))

    @post("/{request_id:str}/runs/end", status_code=200)
    async def change_end(self, request: Req, request_id: FromPath[str], data: JSONBody[RunsEndBody]) -> RequestOut:
        """``{until?, count?}``: a new last Tehran day (Jalali ``1405-12-29`` or ISO) and/or runs in all."""
        customer_id, _, _ = await customer_of(request)
        changed = await (await resolve(request, ChangeRunsEnd))(request_id, customer_id, data.until, data.count)
        return request_out(changed)

    @post("/{request_id:str}/runs/cancel", status_code=200)
    async def cancel_runs(self, request: Req, request_id: FromPath[str]) -> StatusOut:
        """All future runs (runs already started go on); a scheduled one-off request's hold is released."""
        customer_id, _, _ = await customer_of(request)
        return StatusOut((await (await resolve(request, CancelFutureRuns))(request_id, customer_id)).value)


class SampleSheetsController(Controller):
    path = "/templates"
    tags = ["requests"]

    @get("/{name:str}")
    async def sample(self, request: Req, name: FromPath[str]) -> Response[bytes]:
        kinds = {"topup.xlsx": "topup", "package.xlsx": "package"}
        if name not in kinds:
            raise NotFound()
        writer = await resolve(request, WorkbookWriter)  # type: ignore[type-abstract]
        return xlsx_response(writer.sample(kinds[name]), name)
