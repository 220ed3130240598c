"""The portal's «شارژ و بسته» pages: the requests list and new-request form, and a
request's page with the manual's four actions along its bottom (edit, add details,
upload Excel, delete — each a dialog), the lines table (paged with a cursor, invalid
first, a status filter, rows edited and deleted in place with htmx), the summary
dialog with «تایید نهایی», and cancelling a confirmed request.

Every form posts normally and answers with a redirect (or the page again with the
errors and the dialog open); an htmx request (``HX-Request``) gets just the piece
of the page it replaces: a lines-table row, the row's edit form, the summary."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from kook.application.catalog.list_packages import ListPackages
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
from kook.application.recharges.line_checker import LineInput, LineNotFound
from kook.application.recharges.list_lines import ListLines
from kook.application.recharges.list_requests import ListRequests
from kook.application.recharges.list_runs import ListRuns
from kook.application.recharges.pause_runs import PauseRuns
from kook.application.recharges.ports import LineView
from kook.application.recharges.rename_request import RenameRequest
from kook.application.recharges.resume_runs import ResumeRuns
from kook.application.recharges.skip_run import SkipRun
from kook.application.recharges.summarize_request import SummarizeRequest
from kook.application.teams.get_approval import GetApproval
from kook.domain.recharges.line import LineStatus
from kook.domain.recharges.request import RequestStatus
from kook.domain.routing.operator import Operator
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.entrypoints.http.api.requests import (
    LINES_PAGE,
    UPLOAD_BODY_LIMIT,
    decode_line_cursor,
    encode_line_cursor,
    line_id_of,
    line_out,
)
from kook.entrypoints.http.context import resolve
from kook.entrypoints.http.messages import error_status
from kook.entrypoints.http.roles import acting, authorize_confirmation
from kook.entrypoints.http.web.rendering import form_errors, form_values, redirect, render
from kook.entrypoints.http.web.wallet import ServiceRequired, _customer, service_required_redirect

Req = Request[Any, Any, Any]
OPERATORS = [(int(op), op.name_fa) for op in Operator]
DIALOGS = frozenset({"rename", "add", "upload", "delete", "summary"})
LINE_FIELDS = ("mobile", "amount", "package_code", "operator", "product", "package_operator")
UPLOAD_FIELDS = ("kind", "operator", "package_code")
COUNTS = ("rows", "valid", "invalid", "duplicates")
# What the lines table's status filter offers (LineStatus.VALID is shown as pending once confirmed).
STATUS_FILTERS = ("invalid", "valid", "pending", "sending", "succeeded", "failed", "unknown", "cancelled")
LINES_CHANGED = "lines-changed"  # the HX-Trigger event the summary listens for


def is_htmx(request: Req) -> bool:
    return request.headers.get("hx-request") == "true"


def _view_query(status: str | None, cursor: str | None) -> str:
    """``?status=…&cursor=…`` of the lines table's view (empty when it is the first page of all lines)."""
    params = {k: v for k, v in (("status", status), ("cursor", cursor)) if v}
    return f"?{urlencode(params)}" if params else ""


def _form_view(form: Any) -> tuple[str | None, str | None]:
    """The table view a row's form came from (so a post without JavaScript returns to it)."""
    status, cursor = form.get("view_status"), form.get("view_cursor")
    status = status if isinstance(status, str) and status in STATUS_FILTERS else None
    try:
        cursor = cursor if isinstance(cursor, str) and decode_line_cursor(cursor) is not None else None
    except ValidationFailed:
        cursor = None
    return status, cursor


def _counts(request: Req) -> dict[str, int] | None:
    """An upload's counts carried in the address after it (``?upload=…&rows=…``), for display only."""
    counts: dict[str, int] = {}
    for name in COUNTS:
        value = request.query_params.get(name) or ""
        if not value.isdigit() or len(value) > 7:
            return None
        counts[name] = int(value)
    return counts


async def _lines_table(
    request: Req, customer_id: str, request_id: str, status: str | None, cursor: str | None
) -> dict[str, Any]:
    """One page of the lines table as the page shows it: lines, next_cursor, status_filter, cursor."""
    status = status if status in STATUS_FILTERS else None
    try:
        after = decode_line_cursor(cursor)
    except ValidationFailed:
        after, cursor = None, None
    found = await (await resolve(request, ListLines))(
        request_id, customer_id, status=status, after=after, limit=LINES_PAGE + 1
    )
    page = found[:LINES_PAGE]
    return {
        "lines": [line_out(view) for _, view in page],
        "next_cursor": encode_line_cursor(page[-1][0]) if len(found) > LINES_PAGE else None,
        "status_filter": status or "",
        "cursor": cursor or "",
    }


async def live_regions(
    request: Req, customer_id: str, request_id: str, status: str | None, cursor: str | None, *, finished: bool
) -> dict[str, Any]:
    """The context of a request page's pieces that follow its live progress (``requests/_live_regions.html``):
    the heading's badge and header action (bulk), the lines table's rows in the page's view, and — once the
    request is finished — the summary (the wallet's available balance has moved)."""
    bulk = await (await resolve(request, GetRequest))(request_id, customer_id)
    table = await _lines_table(request, customer_id, request_id, status, cursor)
    summary = await (await resolve(request, SummarizeRequest))(request_id, customer_id) if finished else None
    return {"regions": True, "bulk": bulk, **table, "operators": OPERATORS, "summary": summary}


class RequestPages(Controller):
    path = "/requests"
    include_in_schema = False
    exception_handlers = {ServiceRequired: service_required_redirect}

    async def _list(
        self, request: Req, customer_id: str, extra: dict[str, Any] | None = None, status_code: int = 200
    ) -> Template:
        items = await (await resolve(request, ListRequests))(customer_id, None, 50)
        context: dict[str, Any] = {"active_menu": "requests", "requests": items}
        context.update(extra or {})
        return await render(request, "requests/index.html", context, status_code=status_code)

    @get("/")
    async def index(self, request: Req) -> Template | Response[Any]:
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        return await self._list(request, found[0])

    @post("/")
    async def create(self, request: Req) -> Template | Response[Any]:
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        form = await request.form()
        try:
            created = await (await resolve(request, CreateRequest))(found[0], form.get("name"), form.get("kind"))
        except DomainError as exc:
            errors, form_error = form_errors(exc)
            values = form_values(form, "name", "kind")
            return await self._list(
                request, found[0], {"errors": errors, "form_error": form_error, "values": values}, 422
            )
        return redirect(f"/requests/{created.id}", flash="request_created")

    async def _detail(
        self,
        request: Req,
        customer_id: str,
        request_id: str,
        extra: dict[str, Any] | None = None,
        status_code: int = 200,
        *,
        status: str | None = None,
        cursor: str | None = None,
    ) -> Template:
        bulk = await (await resolve(request, GetRequest))(request_id, customer_id)
        table = await _lines_table(request, customer_id, request_id, status, cursor)
        summary = await (await resolve(request, SummarizeRequest))(request_id, customer_id)
        packages = await (await resolve(request, ListPackages))(None, active_only=True)
        has_runs = bulk.repeating or bulk.status is RequestStatus.SCHEDULED
        runs = await (await resolve(request, ListRuns))(request_id, customer_id) if has_runs else None
        me = await acting(request)
        approval = await (await resolve(request, GetApproval))(me, request_id) if me is not None else None
        context: dict[str, Any] = {
            "active_menu": "requests",
            "acting": me,
            "approval": approval,
            "bulk": bulk,
            "runs": runs,
            **table,
            "status_filters": STATUS_FILTERS,
            "summary": summary,
            "packages": packages,
            "operators": OPERATORS,
        }
        context.update(extra or {})
        return await render(request, "requests/detail.html", context, status_code=status_code)

    @get("/{request_id:str}")
    async def detail(
        self,
        request: Req,
        request_id: FromPath[str],
        status: FromQuery[str | None] = None,
        cursor: FromQuery[str | None] = None,
        upload: FromQuery[str | None] = None,
        dialog: FromQuery[str | None] = None,
    ) -> Template | Response[Any]:
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        extra = {
            "upload_id": upload if upload and upload.isalnum() else None,
            "upload_counts": _counts(request) if upload else None,
            "open_dialog": dialog if dialog in DIALOGS else None,
        }
        return await self._detail(request, found[0], request_id, extra, status=status, cursor=cursor)

    @get("/{request_id:str}/summary")
    async def summary(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        """htmx: the summary's body (``?confirm=1``: with the confirm button, for the dialog); else the page
        with the summary dialog open."""
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        if not is_htmx(request):
            return redirect(f"/requests/{request_id}?dialog=summary")
        bulk = await (await resolve(request, GetRequest))(request_id, found[0])
        summary = await (await resolve(request, SummarizeRequest))(request_id, found[0])
        context = {"bulk": bulk, "summary": summary, "with_confirm": request.query_params.get("confirm") == "1"}
        return await render(request, "requests/_summary.html", context)

    # ------------------------------------------------------------------ the four actions, confirm and cancel

    async def _act(
        self,
        request: Req,
        request_id: str,
        action: Any,
        *,
        fields: tuple[str, ...] = (),
        dialog: str | None = None,
    ) -> Template | Response[Any]:
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        form = await request.form()
        try:
            target, flash = await action(found[0], form)
        except DomainError as exc:
            if exc.code == "not_found" and not isinstance(exc, ValidationFailed):
                raise
            errors, form_error = form_errors(exc)
            if errors and not fields:
                form_error, errors = "؛ ".join(errors.values()), {}
            status, cursor = _form_view(form)
            return await self._detail(
                request,
                found[0],
                request_id,
                {
                    "errors": errors,
                    "form_error": form_error,
                    "values": form_values(form, *fields),
                    "open_dialog": dialog,
                },
                422 if isinstance(exc, ValidationFailed) else error_status(exc.code),
                status=status,
                cursor=cursor,
            )
        return redirect(target, flash=flash)

    @post("/{request_id:str}/rename")
    async def rename(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            await (await resolve(request, RenameRequest))(request_id, customer_id, form.get("name"))
            return f"/requests/{request_id}", "request_renamed"

        return await self._act(request, request_id, action, fields=("name",), dialog="rename")

    @post("/{request_id:str}/lines")
    async def add_line(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            await (await resolve(request, AddLine))(request_id, customer_id, _line_input(form))
            return f"/requests/{request_id}", "line_added"

        return await self._act(request, request_id, action, fields=LINE_FIELDS, dialog="add")

    @post("/{request_id:str}/uploads", request_max_body_size=UPLOAD_BODY_LIMIT)
    async def upload(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str | None]:
            file = form.get("file")
            if not isinstance(file, UploadFile):
                raise ValidationFailed({"file": "required"})
            kind = form.get("kind")
            result = await (await resolve(request, ImportRechargeSheet))(
                UploadCommand(
                    customer_id=customer_id,
                    request_id=request_id,
                    content=await file.read(),
                    filename=file.filename,
                    kind=kind,
                    operator=(form.get("operator") or None) if kind == "package" else None,
                    package_code=(form.get("package_code") or None) if kind == "package" else None,
                )
            )
            query = urlencode({"upload": result.upload_id, **{name: getattr(result, name) for name in COUNTS}})
            return f"/requests/{request_id}?{query}", None

        return await self._act(request, request_id, action, fields=UPLOAD_FIELDS, dialog="upload")

    @post("/{request_id:str}/delete")
    async def delete(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            await (await resolve(request, DeleteRequest))(request_id, customer_id)
            return "/requests", "request_deleted"

        return await self._act(request, request_id, action, dialog="delete")

    @post("/{request_id:str}/confirm")
    async def confirm(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        """The summary dialog's «تایید»: run now, at a Jalali date and time, or repeating (``when``)."""

        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            schedule_at, repeat = _plan_input(form)
            await authorize_confirmation(request, request_id)
            await (await resolve(request, ConfirmRechargeRequest))(request_id, customer_id, schedule_at, repeat)
            flash = "request_repeating" if repeat else "request_scheduled" if schedule_at else "request_confirmed"
            return f"/requests/{request_id}", flash

        return await self._act(request, request_id, action, dialog="summary")

    @post("/{request_id:str}/cancel")
    async def cancel(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            before = await (await resolve(request, GetRequest))(request_id, customer_id)
            await (await resolve(request, CancelRequest))(request_id, customer_id)
            return f"/requests/{request_id}", "request_stopped" if before.repeating else "request_cancelled"

        return await self._act(request, request_id, action)

    # ------------------------------------------------------------------ the runs of a repeating request

    @post("/{request_id:str}/runs/pause")
    async def pause_runs(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            await (await resolve(request, PauseRuns))(request_id, customer_id)
            return f"/requests/{request_id}", "runs_paused"

        return await self._act(request, request_id, action)

    @post("/{request_id:str}/runs/resume")
    async def resume_runs(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            await (await resolve(request, ResumeRuns))(request_id, customer_id)
            return f"/requests/{request_id}", "runs_resumed"

        return await self._act(request, request_id, action)

    @post("/{request_id:str}/runs/skip")
    async def skip_run(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            await (await resolve(request, SkipRun))(request_id, customer_id, form.get("run_at"))
            return f"/requests/{request_id}", "run_skipped"

        return await self._act(request, request_id, action)

    @post("/{request_id:str}/runs/unskip")
    async def unskip_run(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            await (await resolve(request, SkipRun))(request_id, customer_id, form.get("run_at"), undo=True)
            return f"/requests/{request_id}", "run_unskipped"

        return await self._act(request, request_id, action)

    @post("/{request_id:str}/runs/end")
    async def change_end(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            until, count = form.get("until"), form.get("count")
            await (await resolve(request, ChangeRunsEnd))(request_id, customer_id, until, count)
            return f"/requests/{request_id}", "runs_end_changed"

        return await self._act(request, request_id, action)

    @post("/{request_id:str}/runs/cancel")
    async def cancel_runs(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            before = await (await resolve(request, GetRequest))(request_id, customer_id)
            await (await resolve(request, CancelFutureRuns))(request_id, customer_id)
            return f"/requests/{request_id}", "request_stopped" if before.repeating else "request_cancelled"

        return await self._act(request, request_id, action)

    # ------------------------------------------------------------------ one line of the table (htmx or not)

    async def _row(
        self,
        request: Req,
        template: str,
        bulk: Any,
        line: Any,
        *,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
        status_code: int = 200,
        changed: bool = False,
    ) -> Template:
        packages = await (await resolve(request, ListPackages))(None, active_only=True)
        context = {
            "bulk": bulk,
            "line": line,
            "operators": OPERATORS,
            "packages": packages,
            "errors": errors or {},
            "values": values or {},
            "status_filter": "",
            "cursor": "",
        }
        response = await render(request, template, context, status_code=status_code)
        if changed:
            response.headers["HX-Trigger"] = LINES_CHANGED
        return response

    async def _one_line(self, request: Req, customer_id: str, request_id: str, line_id: int) -> LineView:
        lines = await resolve(request, ListLines)
        for status in (LineStatus.INVALID.value, None):
            found = await lines(request_id, customer_id, status=status, after=(1, line_id - 1), limit=1)
            if found and found[0][1].id == line_id:
                return found[0][1]
        raise LineNotFound()

    @get("/{request_id:str}/lines/{line_id:str}")
    async def line_row(
        self, request: Req, request_id: FromPath[str], line_id: FromPath[str]
    ) -> Template | Response[Any]:
        """htmx: the row as shown (the edit form's «انصراف»); without it, back to the request's page."""
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        if not is_htmx(request):
            return redirect(f"/requests/{request_id}")
        bulk = await (await resolve(request, GetRequest))(request_id, found[0])
        view = await self._one_line(request, found[0], request_id, line_id_of(line_id))
        return await self._row(request, "requests/_line_row.html", bulk, line_out(view))

    @get("/{request_id:str}/lines/{line_id:str}/edit")
    async def edit_line_form(
        self,
        request: Req,
        request_id: FromPath[str],
        line_id: FromPath[str],
        status: FromQuery[str | None] = None,
        cursor: FromQuery[str | None] = None,
    ) -> Template | Response[Any]:
        """htmx: the row as a form; without it, the page with that row as a form."""
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        ident = line_id_of(line_id)
        if not is_htmx(request):
            return await self._detail(
                request, found[0], request_id, {"editing": str(ident)}, status=status, cursor=cursor
            )
        bulk = await (await resolve(request, GetRequest))(request_id, found[0])
        view = await self._one_line(request, found[0], request_id, ident)
        template = "requests/_line_edit.html" if bulk.status == RequestStatus.DRAFT else "requests/_line_row.html"
        return await self._row(request, template, bulk, line_out(view))

    @post("/{request_id:str}/lines/{line_id:str}")
    async def edit_line(
        self, request: Req, request_id: FromPath[str], line_id: FromPath[str]
    ) -> Template | Response[Any]:
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        form = await request.form()
        ident = line_id_of(line_id)
        status, cursor = _form_view(form)
        try:
            view = await (await resolve(request, EditLine))(request_id, found[0], ident, _line_input(form))
        except ValidationFailed as exc:
            errors, _ = form_errors(exc)
            values = form_values(form, *LINE_FIELDS)
            if is_htmx(request):
                bulk = await (await resolve(request, GetRequest))(request_id, found[0])
                line = line_out(await self._one_line(request, found[0], request_id, ident))
                return await self._row(
                    request, "requests/_line_edit.html", bulk, line, errors=errors, values=values, status_code=422
                )
            extra = {"editing": str(ident), "errors": errors, "values": values}
            return await self._detail(request, found[0], request_id, extra, 422, status=status, cursor=cursor)
        except DomainError as exc:
            if exc.code == "not_found":
                raise
            return await self._refused(request, found[0], request_id, exc, status, cursor)
        if is_htmx(request):
            bulk = await (await resolve(request, GetRequest))(request_id, found[0])
            return await self._row(request, "requests/_line_row.html", bulk, line_out(view), changed=True)
        return redirect(f"/requests/{request_id}{_view_query(status, cursor)}", flash="line_updated")

    @post("/{request_id:str}/lines/{line_id:str}/delete")
    async def delete_line(
        self, request: Req, request_id: FromPath[str], line_id: FromPath[str]
    ) -> Template | Response[Any]:
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        form = await request.form()
        status, cursor = _form_view(form)
        try:
            await (await resolve(request, DeleteLine))(request_id, found[0], line_id_of(line_id))
        except DomainError as exc:
            if exc.code == "not_found":
                raise
            return await self._refused(request, found[0], request_id, exc, status, cursor)
        if is_htmx(request):
            return Response("", status_code=200, media_type=MediaType.HTML, headers={"HX-Trigger": LINES_CHANGED})
        return redirect(f"/requests/{request_id}{_view_query(status, cursor)}", flash="line_deleted")

    async def _refused(
        self, request: Req, customer_id: str, request_id: str, exc: DomainError, status: str | None, cursor: str | None
    ) -> Template:
        """A row's action refused as a whole (e.g. the request is no longer a draft): htmx shows the reason
        above the table (kook.js swaps a refused answer that names its own target); else the page."""
        _, form_error = form_errors(exc)
        code = error_status(exc.code)
        if is_htmx(request):
            response = await render(request, "requests/_alert.html", {"message": form_error}, status_code=code)
            response.headers.update({"HX-Retarget": "#request-alerts", "HX-Reswap": "innerHTML"})
            return response
        extra = {"form_error": form_error}
        return await self._detail(request, customer_id, request_id, extra, code, status=status, cursor=cursor)


def _plan_input(form: Any) -> tuple[str | None, dict[str, Any] | None]:
    """(schedule_at, repeat) from the summary dialog's form: ``when`` = now | at | repeat."""

    def value(name: str) -> str:
        found = form.get(name)
        return found.strip() if isinstance(found, str) else ""

    when = value("when") or "now"
    if when == "at":
        return f"{value('schedule_date')} {value('schedule_time')}".strip() or "-", None
    if when != "repeat":
        return None, None
    weekdays = [d for d in form.getall("repeat_weekdays", []) if isinstance(d, str)] if hasattr(form, "getall") else []
    return None, {
        "every": value("repeat_every"),
        "weekdays": weekdays,
        "day": value("repeat_day") or None,
        "time": value("repeat_time") or None,
        "until": value("repeat_until") or None,
        "count": value("repeat_count") or None,
    }


def _line_input(form: Any) -> LineInput:
    def value(name: str) -> str | None:
        found = form.get(name)
        return found if isinstance(found, str) and found.strip() else None

    # The add-details form says which product the line is; the edit form sends only the fields it has.
    product = value("product")
    return LineInput(
        mobile=value("mobile"),
        amount=None if product == "package" else value("amount"),
        package_code=None if product == "topup" else value("package_code"),
        operator=value("operator"),
    )
