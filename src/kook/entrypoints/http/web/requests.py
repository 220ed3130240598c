"""The portal's «شارژ و بسته» pages: the requests list and new-request form, and a
request's page with the manual's four actions (edit, add details, upload Excel,
delete), the lines table (paged, invalid first), the summary and «تایید نهایی»."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from kook.application.catalog.packages import ListPackages
from kook.application.recharges.confirmation import CancelRequest, ConfirmRequest, SummarizeRequest
from kook.application.recharges.lines import AddLine, DeleteLine, EditLine, LineInput, ListLines
from kook.application.recharges.requests import CreateRequest, DeleteRequest, GetRequest, ListRequests, RenameRequest
from kook.application.recharges.uploads import ImportUpload, UploadCommand
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
from kook.entrypoints.http.web.rendering import form_errors, form_values, redirect, render
from kook.entrypoints.http.web.wallet import ServiceRequired, _customer, service_required_redirect

Req = Request[Any, Any, Any]
OPERATORS = [(int(op), op.name_fa) for op in Operator]


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
        return redirect(f"/requests/{created.id}")

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
        found = await (await resolve(request, ListLines))(
            request_id, customer_id, status=status or None, after=decode_line_cursor(cursor), limit=LINES_PAGE + 1
        )
        page = found[:LINES_PAGE]
        summary = await (await resolve(request, SummarizeRequest))(request_id, customer_id)
        packages = await (await resolve(request, ListPackages))(None, active_only=True)
        context: dict[str, Any] = {
            "active_menu": "requests",
            "bulk": bulk,
            "lines": [line_out(view) for _, view in page],
            "next_cursor": encode_line_cursor(page[-1][0]) if len(found) > LINES_PAGE else None,
            "status_filter": status or "",
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
    ) -> Template | Response[Any]:
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        return await self._detail(
            request, found[0], request_id, {"upload_id": upload or None}, status=status, cursor=cursor
        )

    async def _act(
        self, request: Req, request_id: str, action: Any, *, fields: tuple[str, ...] = ()
    ) -> Template | Response[Any]:
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        form = await request.form()
        try:
            target = await action(found[0], form)
        except DomainError as exc:
            if exc.code == "not_found" and not isinstance(exc, ValidationFailed):
                raise
            errors, form_error = form_errors(exc)
            if errors and not fields:
                form_error, errors = "؛ ".join(errors.values()), {}
            return await self._detail(
                request,
                found[0],
                request_id,
                {"errors": errors, "form_error": form_error, "values": form_values(form, *fields)},
                422 if isinstance(exc, ValidationFailed) else 409,
            )
        return redirect(target)

    @post("/{request_id:str}/rename")
    async def rename(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> str:
            await (await resolve(request, RenameRequest))(request_id, customer_id, form.get("name"))
            return f"/requests/{request_id}"

        return await self._act(request, request_id, action, fields=("name",))

    @post("/{request_id:str}/lines")
    async def add_line(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> str:
            await (await resolve(request, AddLine))(request_id, customer_id, _line_input(form))
            return f"/requests/{request_id}"

        return await self._act(request, request_id, action, fields=("mobile", "amount", "package_code", "operator"))

    @post("/{request_id:str}/lines/{line_id:str}")
    async def edit_line(
        self, request: Req, request_id: FromPath[str], line_id: FromPath[str]
    ) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> str:
            await (await resolve(request, EditLine))(request_id, customer_id, line_id_of(line_id), _line_input(form))
            return f"/requests/{request_id}"

        return await self._act(request, request_id, action)

    @post("/{request_id:str}/lines/{line_id:str}/delete")
    async def delete_line(
        self, request: Req, request_id: FromPath[str], line_id: FromPath[str]
    ) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> str:
            await (await resolve(request, DeleteLine))(request_id, customer_id, line_id_of(line_id))
            return f"/requests/{request_id}"

        return await self._act(request, request_id, action)

    @post("/{request_id:str}/uploads", request_max_body_size=UPLOAD_BODY_LIMIT)
    async def upload(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> str:
            file = form.get("file")
            if not isinstance(file, UploadFile):
                raise ValidationFailed({"file": "required"})
            result = await (await resolve(request, ImportUpload))(
                UploadCommand(
                    customer_id=customer_id,
                    request_id=request_id,
                    content=await file.read(),
                    filename=file.filename,
                    kind=form.get("kind"),
                    operator=form.get("operator") or None,
                    package_code=form.get("package_code") or None,
                )
            )
            return f"/requests/{request_id}?upload={result.upload_id}"

        return await self._act(request, request_id, action)

    @post("/{request_id:str}/delete")
    async def delete(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> str:
            await (await resolve(request, DeleteRequest))(request_id, customer_id)
            return "/requests"

        return await self._act(request, request_id, action)

    @post("/{request_id:str}/confirm")
    async def confirm(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> str:
            await (await resolve(request, ConfirmRequest))(request_id, customer_id)
            return f"/requests/{request_id}"

        return await self._act(request, request_id, action)

    @post("/{request_id:str}/cancel")
    async def cancel(self, request: Req, request_id: FromPath[str]) -> Template | Response[Any]:
        async def action(customer_id: str, form: Any) -> str:
            await (await resolve(request, CancelRequest))(request_id, customer_id)
            return f"/requests/{request_id}"

        return await self._act(request, request_id, action)


def _line_input(form: Any) -> LineInput:
    def value(name: str) -> str | None:
        found = form.get(name)
        return found if isinstance(found, str) and found.strip() else None

    return LineInput(
        mobile=value("mobile"), amount=value("amount"), package_code=value("package_code"), operator=value("operator")
    )
