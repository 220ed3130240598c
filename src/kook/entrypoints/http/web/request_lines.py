"""The portal's request page, one line of the lines table (htmx, or the whole page without it): shown, edited
in place, deleted. The same controller path as ``web/requests.py`` (``/requests``), another sub-resource."""

from __future__ import annotations

from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from kook.application.recharges.delete_line import DeleteLine
from kook.application.recharges.edit_line import EditLine
from kook.application.recharges.get_request import GetRequest
from kook.domain.recharges.request import RequestStatus
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.entrypoints.http.api.request_models import (
    line_id_of,
    line_out,
)
from kook.entrypoints.http.context import resolve
from kook.entrypoints.http.session_customer import ServiceRequired, portal_customer
from kook.entrypoints.http.web.rendering import form_errors, form_values, redirect
from kook.entrypoints.http.web.request_page import (
    LINE_FIELDS,
    LINES_CHANGED,
    form_line_input,
    form_view,
    is_htmx,
    line_row_page,
    one_line,
    refused,
    request_page,
    view_query,
)
from kook.entrypoints.http.web.wallet import service_required_redirect

Req = Request[Any, Any, Any]


class RequestLinePages(Controller):
    path = "/requests"
    include_in_schema = False
    exception_handlers = {ServiceRequired: service_required_redirect}

    @get("/{request_id:str}/lines/{line_id:str}")
    async def line_row(
        self, request: Req, request_id: FromPath[str], line_id: FromPath[str]
    ) -> Template | Response[Any]:
        """htmx: the row as shown (the edit form's «انصراف»); without it, back to the request's page."""
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        if not is_htmx(request):
            return redirect(f"/requests/{request_id}")
        bulk = await (await resolve(request, GetRequest))(request_id, found[0])
        view = await one_line(request, found[0], request_id, line_id_of(line_id))
        return await line_row_page(request, "requests/_line_row.html", bulk, line_out(view))

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
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        ident = line_id_of(line_id)
        if not is_htmx(request):
            return await request_page(
                request, found[0], request_id, {"editing": str(ident)}, status=status, cursor=cursor
            )
        bulk = await (await resolve(request, GetRequest))(request_id, found[0])
        view = await one_line(request, found[0], request_id, ident)
        template = "requests/_line_edit.html" if bulk.status == RequestStatus.DRAFT else "requests/_line_row.html"
        return await line_row_page(request, template, bulk, line_out(view))

    @post("/{request_id:str}/lines/{line_id:str}")
    @inject
    async def edit_line(
        self, request: Req, edit_line: FromDishka[EditLine], request_id: FromPath[str], line_id: FromPath[str]
    ) -> Template | Response[Any]:
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        form = await request.form()
        ident = line_id_of(line_id)
        status, cursor = form_view(form)
        try:
            view = await edit_line(request_id, found[0], ident, form_line_input(form))
        except ValidationFailed as exc:
            errors, _ = form_errors(exc)
            values = form_values(form, *LINE_FIELDS)
            if is_htmx(request):
                bulk = await (await resolve(request, GetRequest))(request_id, found[0])
                line = line_out(await one_line(request, found[0], request_id, ident))
                return await line_row_page(
                    request, "requests/_line_edit.html", bulk, line, errors=errors, values=values, status_code=422
                )
            extra = {"editing": str(ident), "errors": errors, "values": values}
            return await request_page(request, found[0], request_id, extra, 422, status=status, cursor=cursor)
        except DomainError as exc:
            if exc.code == "not_found":
                raise
            return await refused(request, found[0], request_id, exc, status, cursor)
        if is_htmx(request):
            bulk = await (await resolve(request, GetRequest))(request_id, found[0])
            return await line_row_page(request, "requests/_line_row.html", bulk, line_out(view), changed=True)
        return redirect(f"/requests/{request_id}{view_query(status, cursor)}", flash="line_updated")

    @post("/{request_id:str}/lines/{line_id:str}/delete")
    @inject
    async def delete_line(
        self, request: Req, delete_line: FromDishka[DeleteLine], request_id: FromPath[str], line_id: FromPath[str]
    ) -> Template | Response[Any]:
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        form = await request.form()
        status, cursor = form_view(form)
        try:
            await delete_line(request_id, found[0], line_id_of(line_id))
        except DomainError as exc:
            if exc.code == "not_found":
                raise
            return await refused(request, found[0], request_id, exc, status, cursor)
        if is_htmx(request):
            return Response("", status_code=200, media_type=MediaType.HTML, headers={"HX-Trigger": LINES_CHANGED})
        return redirect(f"/requests/{request_id}{view_query(status, cursor)}", flash="line_deleted")
