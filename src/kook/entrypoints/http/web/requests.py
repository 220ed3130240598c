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

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from kook.application.recharges.add_line import AddLine
from kook.application.recharges.cancel_future_runs import CancelFutureRuns
from kook.application.recharges.cancel_request import CancelRequest
from kook.application.recharges.change_runs_end import ChangeRunsEnd
from kook.application.recharges.confirm_recharge_request import ConfirmRechargeRequest
from kook.application.recharges.create_request import CreateRequest
from kook.application.recharges.delete_request import DeleteRequest
from kook.application.recharges.get_request import GetRequest
from kook.application.recharges.import_recharge_sheet import ImportRechargeSheet, UploadCommand
from kook.application.recharges.list_requests import ListRequests
from kook.application.recharges.pause_runs import PauseRuns
from kook.application.recharges.rename_request import RenameRequest
from kook.application.recharges.resume_runs import ResumeRuns
from kook.application.recharges.skip_run import SkipRun
from kook.application.recharges.summarize_request import SummarizeRequest
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.entrypoints.http.api.request_models import (
    UPLOAD_BODY_LIMIT,
)
from kook.entrypoints.http.context import resolve
from kook.entrypoints.http.messages import error_status
from kook.entrypoints.http.roles import authorize_confirmation
from kook.entrypoints.http.session_customer import ServiceRequired, portal_customer
from kook.entrypoints.http.web.rendering import form_context, form_errors, form_values, redirect, render
from kook.entrypoints.http.web.request_page import (
    COUNTS,
    DIALOGS,
    LINE_FIELDS,
    UPLOAD_FIELDS,
    form_line_input,
    form_view,
    is_htmx,
    plan_input,
    request_page,
    upload_counts,
)
from kook.entrypoints.http.web.wallet import service_required_redirect

Req = Request[Any, Any, Any]


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
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        return await self._list(request, found[0])

    @post("/")
    @inject
    async def create(self, request: Req, create_request: FromDishka[CreateRequest]) -> Template | Response[Any]:
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        form = await request.form()
        try:
            created = await create_request(found[0], form.get("name"), form.get("kind"))
        except DomainError as exc:
            values = form_values(form, "name", "kind")
            return await self._list(request, found[0], form_context(exc, values=values), 422)
        return redirect(f"/requests/{created.id}", flash="request_created")

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
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        extra = {
            "upload_id": upload if upload and upload.isalnum() else None,
            "upload_counts": upload_counts(request) if upload else None,
            "open_dialog": dialog if dialog in DIALOGS else None,
        }
        return await request_page(request, found[0], request_id, extra, status=status, cursor=cursor)

    @get("/{request_id:str}/summary")
    async def summary(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        """htmx: the summary's body (``?confirm=1``: with the confirm button, for the dialog); else the page
        with the summary dialog open."""
        found = await portal_customer(request)
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
        found = await portal_customer(request)
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
            status, cursor = form_view(form)
            return await request_page(
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
    @inject
    async def rename(
        self, request: Req, rename_request: FromDishka[RenameRequest], request_id: FromPath[str]
    ) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            await rename_request(request_id, customer_id, form.get("name"))
            return f"/requests/{request_id}", "request_renamed"

        return await self._act(request, request_id, action, fields=("name",), dialog="rename")

    @post("/{request_id:str}/lines")
    @inject
    async def add_line(
        self, request: Req, add_line: FromDishka[AddLine], request_id: FromPath[str]
    ) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            await add_line(request_id, customer_id, form_line_input(form))
            return f"/requests/{request_id}", "line_added"

        return await self._act(request, request_id, action, fields=LINE_FIELDS, dialog="add")

    @post("/{request_id:str}/uploads", request_max_body_size=UPLOAD_BODY_LIMIT)
    @inject
    async def upload(
        self, request: Req, import_upload: FromDishka[ImportRechargeSheet], request_id: FromPath[str]
    ) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str | None]:
            file = form.get("file")
            if not isinstance(file, UploadFile):
                raise ValidationFailed({"file": "required"})
            kind = form.get("kind")
            result = await import_upload(
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
    @inject
    async def delete(
        self, request: Req, delete_request: FromDishka[DeleteRequest], request_id: FromPath[str]
    ) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            await delete_request(request_id, customer_id)
            return "/requests", "request_deleted"

        return await self._act(request, request_id, action, dialog="delete")

    @post("/{request_id:str}/confirm")
    @inject
    async def confirm(
        self, request: Req, confirm_request: FromDishka[ConfirmRechargeRequest], request_id: FromPath[str]
    ) -> Template | Response[Any]:
        """The summary dialog's «تایید»: run now, at a Jalali date and time, or repeating (``when``)."""

        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            schedule_at, repeat = plan_input(form)
            await authorize_confirmation(request, request_id)
            await confirm_request(request_id, customer_id, schedule_at, repeat)
            flash = "request_repeating" if repeat else "request_scheduled" if schedule_at else "request_confirmed"
            return f"/requests/{request_id}", flash

        return await self._act(request, request_id, action, dialog="summary")

    @post("/{request_id:str}/cancel")
    @inject
    async def cancel(
        self,
        request: Req,
        get_request: FromDishka[GetRequest],
        cancel_request: FromDishka[CancelRequest],
        request_id: FromPath[str],
    ) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            before = await get_request(request_id, customer_id)
            await cancel_request(request_id, customer_id)
            return f"/requests/{request_id}", "request_stopped" if before.repeating else "request_cancelled"

        return await self._act(request, request_id, action)

    # ------------------------------------------------------------------ the runs of a repeating request

    @post("/{request_id:str}/runs/pause")
    @inject
    async def pause_runs(
        self, request: Req, pause_runs: FromDishka[PauseRuns], request_id: FromPath[str]
    ) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            await pause_runs(request_id, customer_id)
            return f"/requests/{request_id}", "runs_paused"

        return await self._act(request, request_id, action)

    @post("/{request_id:str}/runs/resume")
    @inject
    async def resume_runs(
        self, request: Req, resume_runs: FromDishka[ResumeRuns], request_id: FromPath[str]
    ) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            await resume_runs(request_id, customer_id)
            return f"/requests/{request_id}", "runs_resumed"

        return await self._act(request, request_id, action)

    @post("/{request_id:str}/runs/skip")
    @inject
    async def skip_run(
        self, request: Req, skip_run: FromDishka[SkipRun], request_id: FromPath[str]
    ) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            await skip_run(request_id, customer_id, form.get("run_at"))
            return f"/requests/{request_id}", "run_skipped"

        return await self._act(request, request_id, action)

    @post("/{request_id:str}/runs/unskip")
    @inject
    async def unskip_run(
        self, request: Req, skip_run: FromDishka[SkipRun], request_id: FromPath[str]
    ) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            await skip_run(request_id, customer_id, form.get("run_at"), undo=True)
            return f"/requests/{request_id}", "run_unskipped"

        return await self._act(request, request_id, action)

    @post("/{request_id:str}/runs/end")
    @inject
    async def change_end(
        self, request: Req, change_runs_end: FromDishka[ChangeRunsEnd], request_id: FromPath[str]
    ) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            until, count = form.get("until"), form.get("count")
            await change_runs_end(request_id, customer_id, until, count)
            return f"/requests/{request_id}", "runs_end_changed"

        return await self._act(request, request_id, action)

    @post("/{request_id:str}/runs/cancel")
    @inject
    async def cancel_runs(
        self,
        request: Req,
        get_request: FromDishka[GetRequest],
        cancel_future_runs: FromDishka[CancelFutureRuns],
        request_id: FromPath[str],
    ) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> tuple[str, str]:
            before = await get_request(request_id, customer_id)
            await cancel_future_runs(request_id, customer_id)
            return f"/requests/{request_id}", "request_stopped" if before.repeating else "request_cancelled"

        return await self._act(request, request_id, action)
