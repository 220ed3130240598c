"""JSON API of bulk requests (API.md "Requests") and the sample spreadsheets."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
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
from kook.application.recharges.list_lines import ListLines
from kook.application.recharges.list_requests import ListRequests
from kook.application.recharges.list_runs import ListRuns
from kook.application.recharges.list_upload_errors import ListUploadErrors
from kook.application.recharges.pause_runs import PauseRuns
from kook.application.recharges.ports import WorkbookWriter
from kook.application.recharges.rename_request import RenameRequest
from kook.application.recharges.resume_runs import ResumeRuns
from kook.application.recharges.skip_run import SkipRun
from kook.application.recharges.summarize_request import SummarizeRequest
from kook.domain.shared.errors import NotFound, ValidationFailed
from kook.entrypoints.http.api.request_models import (
    LINES_PAGE,
    PAGE,
    UPLOAD_BODY_LIMIT,
    ConfirmBody,
    LineBody,
    LineList,
    LineOut,
    ProductOut,
    RenameBody,
    RequestBody,
    RequestList,
    RequestOut,
    RunAtBody,
    RunsEndBody,
    RunsOut,
    UploadOut,
    decode_line_cursor,
    encode_line_cursor,
    error_rows,
    line_id_of,
    line_input,
    line_out,
    request_out,
    runs_out,
    xlsx_response,
)
from kook.entrypoints.http.cursors import decode_cursor, encode_cursor
from kook.entrypoints.http.idempotency import idempotent
from kook.entrypoints.http.roles import authorize_confirmation
from kook.entrypoints.http.session_customer import customer_of

Req = Request[Any, Any, Any]


# Here, not in request_models.py: OpenAPI names a component by its module when two share a name.
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


class RequestsController(Controller):
    path = "/api/v1/requests"
    tags = ["requests"]

    @post("/", status_code=201)
    @inject
    async def create(
        self, request: Req, create_request: FromDishka[CreateRequest], data: JSONBody[RequestBody]
    ) -> RequestOut:
        customer_id, _, _ = await customer_of(request)
        created = await create_request(customer_id, data.name, data.kind)
        return request_out(created)

    @get("/")
    @inject
    async def list_requests(
        self, request: Req, list_requests: FromDishka[ListRequests], cursor: FromQuery[str | None] = None
    ) -> RequestList:
        customer_id, _, _ = await customer_of(request)
        items = await list_requests(customer_id, decode_cursor(cursor), PAGE + 1)
        page = items[:PAGE]
        next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if len(items) > PAGE else None
        return RequestList([request_out(r) for r in page], next_cursor)

    @get("/{request_id:str}")
    @inject
    async def detail(self, request: Req, get_request: FromDishka[GetRequest], request_id: FromPath[str]) -> RequestOut:
        customer_id, _, _ = await customer_of(request)
        return request_out(await get_request(request_id, customer_id))

    @patch("/{request_id:str}")
    @inject
    async def rename(
        self,
        request: Req,
        rename_request: FromDishka[RenameRequest],
        request_id: FromPath[str],
        data: JSONBody[RenameBody],
    ) -> RequestOut:
        customer_id, _, _ = await customer_of(request)
        return request_out(await rename_request(request_id, customer_id, data.name))

    @delete("/{request_id:str}", status_code=204)
    @inject
    async def remove(self, request: Req, delete_request: FromDishka[DeleteRequest], request_id: FromPath[str]) -> None:
        customer_id, _, _ = await customer_of(request)
        await delete_request(request_id, customer_id)

    @post("/{request_id:str}/lines", status_code=201)
    @inject
    async def add_line(
        self, request: Req, add_line: FromDishka[AddLine], request_id: FromPath[str], data: JSONBody[LineBody]
    ) -> LineOut:
        customer_id, _, _ = await customer_of(request)
        return line_out(await add_line(request_id, customer_id, line_input(data)))

    @get("/{request_id:str}/lines")
    @inject
    async def lines(
        self,
        request: Req,
        list_lines: FromDishka[ListLines],
        request_id: FromPath[str],
        status: FromQuery[str | None] = None,
        cursor: FromQuery[str | None] = None,
    ) -> LineList:
        customer_id, _, _ = await customer_of(request)
        found = await list_lines(
            request_id, customer_id, status=status or None, after=decode_line_cursor(cursor), limit=LINES_PAGE + 1
        )
        page = found[:LINES_PAGE]
        next_cursor = encode_line_cursor(page[-1][0]) if len(found) > LINES_PAGE else None
        return LineList([line_out(view) for _, view in page], next_cursor)

    @patch("/{request_id:str}/lines/{line_id:str}")
    @inject
    async def edit_line(
        self,
        request: Req,
        edit_line: FromDishka[EditLine],
        request_id: FromPath[str],
        line_id: FromPath[str],
        data: JSONBody[LineBody],
    ) -> LineOut:
        customer_id, _, _ = await customer_of(request)
        view = await edit_line(request_id, customer_id, line_id_of(line_id), line_input(data))
        return line_out(view)

    @delete("/{request_id:str}/lines/{line_id:str}", status_code=204)
    @inject
    async def delete_line(
        self, request: Req, delete_line: FromDishka[DeleteLine], request_id: FromPath[str], line_id: FromPath[str]
    ) -> None:
        customer_id, _, _ = await customer_of(request)
        await delete_line(request_id, customer_id, line_id_of(line_id))

    @post("/{request_id:str}/uploads", status_code=201, request_max_body_size=UPLOAD_BODY_LIMIT)
    @inject
    async def upload(
        self,
        request: Req,
        import_upload: FromDishka[ImportRechargeSheet],
        request_id: FromPath[str],
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> UploadOut:
        customer_id, _, _ = await customer_of(request)
        form = await request.form()
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise ValidationFailed({"file": "required"})
        content = await file.read()
        result = await import_upload(
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
    @inject
    async def upload_errors(
        self,
        request: Req,
        writer: FromDishka[WorkbookWriter],
        upload_errors: FromDishka[ListUploadErrors],
        request_id: FromPath[str],
        upload_id: FromPath[str],
    ) -> Response[bytes]:
        customer_id, _, _ = await customer_of(request)
        headers, lines = await upload_errors(request_id, customer_id, upload_id)
        return xlsx_response(writer.error_workbook(headers, error_rows(lines)), f"errors-{upload_id[:8]}.xlsx")

    @get("/{request_id:str}/summary")
    @inject
    async def summary(
        self, request: Req, summarize_request: FromDishka[SummarizeRequest], request_id: FromPath[str]
    ) -> SummaryOut:
        customer_id, _, _ = await customer_of(request)
        found = await summarize_request(request_id, customer_id)
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
    @inject
    async def confirm(
        self,
        request: Req,
        confirm_request: FromDishka[ConfirmRechargeRequest],
        request_id: FromPath[str],
        data: JSONBody[ConfirmBody | None] = None,
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
            status = await confirm_request(
                request_id,
                customer_id,
                schedule_at=body.schedule_at,
                repeat=msgspec.to_builtins(body.repeat) if body.repeat is not None else None,
            )
            return StatusOut(status.value)

        return await idempotent(request, user_id, run, StatusOut, 200)

    @post("/{request_id:str}/cancel", status_code=200)
    @inject
    async def cancel(
        self, request: Req, cancel_request: FromDishka[CancelRequest], request_id: FromPath[str]
    ) -> StatusOut:
        customer_id, _, _ = await customer_of(request)
        status = await cancel_request(request_id, customer_id)
        return StatusOut(status.value)

    # ------------------------------------------------------------------ runs of a repeating request

    @get("/{request_id:str}/runs")
    @inject
    async def runs(self, request: Req, list_runs: FromDishka[ListRuns], request_id: FromPath[str]) -> RunsOut:
        """Past runs (each with its lines' outcome counts and its money; an occurrence that could not be
        funded or was skipped has no request of its own) and the runs to come (up to 50), Tehran time with
        the Jalali date. A scheduled one-off request lists its one run to come."""
        customer_id, _, _ = await customer_of(request)
        return runs_out(await list_runs(request_id, customer_id))

    @post("/{request_id:str}/runs/pause", status_code=200)
    @inject
    async def pause_runs(
        self, request: Req, pause_runs: FromDishka[PauseRuns], request_id: FromPath[str]
    ) -> RequestOut:
        """No run starts until resumed (nothing is held, so nothing is released); again → the same."""
        customer_id, _, _ = await customer_of(request)
        return request_out(await pause_runs(request_id, customer_id))

    @post("/{request_id:str}/runs/resume", status_code=200)
    @inject
    async def resume_runs(
        self, request: Req, resume_runs: FromDishka[ResumeRuns], request_id: FromPath[str]
    ) -> RequestOut:
        """From the first occurrence after now; those that passed while paused are not runs."""
        customer_id, _, _ = await customer_of(request)
        return request_out(await resume_runs(request_id, customer_id))

    @post("/{request_id:str}/runs/skip", status_code=200)
    @inject
    async def skip_run(
        self, request: Req, skip_run: FromDishka[SkipRun], request_id: FromPath[str], data: JSONBody[RunAtBody]
    ) -> RequestOut:
        """``{run_at}``: one of the runs to come (as listed); it will not start and keeps its number."""
        customer_id, _, _ = await customer_of(request)
        return request_out(await skip_run(request_id, customer_id, data.run_at))

    @post("/{request_id:str}/runs/unskip", status_code=200)
    @inject
    async def unskip_run(
        self, request: Req, skip_run: FromDishka[SkipRun], request_id: FromPath[str], data: JSONBody[RunAtBody]
    ) -> RequestOut:
        customer_id, _, _ = await customer_of(request)
        return request_out(await skip_run(request_id, customer_id, data.run_at, undo=True))

    @post("/{request_id:str}/runs/end", status_code=200)
    @inject
    async def change_end(
        self,
        request: Req,
        change_runs_end: FromDishka[ChangeRunsEnd],
        request_id: FromPath[str],
        data: JSONBody[RunsEndBody],
    ) -> RequestOut:
        """``{until?, count?}``: a new last Tehran day (Jalali ``1405-12-29`` or ISO) and/or runs in all."""
        customer_id, _, _ = await customer_of(request)
        changed = await change_runs_end(request_id, customer_id, data.until, data.count)
        return request_out(changed)

    @post("/{request_id:str}/runs/cancel", status_code=200)
    @inject
    async def cancel_runs(
        self, request: Req, cancel_future_runs: FromDishka[CancelFutureRuns], request_id: FromPath[str]
    ) -> StatusOut:
        """All future runs (runs already started go on); a scheduled one-off request's hold is released."""
        customer_id, _, _ = await customer_of(request)
        return StatusOut((await cancel_future_runs(request_id, customer_id)).value)


class SampleSheetsController(Controller):
    path = "/templates"
    tags = ["requests"]

    @get("/{name:str}")
    @inject
    async def sample(self, request: Req, writer: FromDishka[WorkbookWriter], name: FromPath[str]) -> Response[bytes]:
        kinds = {"topup.xlsx": "topup", "package.xlsx": "package"}
        if name not in kinds:
            raise NotFound()
        return xlsx_response(writer.sample(kinds[name]), name)
