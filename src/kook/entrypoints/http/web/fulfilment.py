"""The portal's fulfilment pieces: a request's live progress (an htmx fragment that polls
itself while the request runs) and finance's queue of lines whose outcome is unknown,
each resolved as succeeded (settled) or failed (money given back)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from kook.application.fulfilment.get_progress import GetProgress
from kook.application.fulfilment.list_unknown_lines import ListUnknownLines
from kook.application.fulfilment.resolve_unknown_line import ResolveUnknownLine
from kook.domain.identity.staff import StaffRole
from kook.domain.routing.operator import Operator
from kook.domain.shared.errors import DomainError, NotFound
from kook.entrypoints.http.context import caller, require_staff, resolve
from kook.entrypoints.http.messages import error_status, error_text
from kook.entrypoints.http.session_customer import ServiceRequired, portal_customer
from kook.entrypoints.http.web.rendering import redirect, render
from kook.entrypoints.http.web.request_page import live_regions
from kook.entrypoints.http.web.wallet import service_required_redirect

Req = Request[Any, Any, Any]
OPERATOR_NAMES = {int(op): op.name_fa for op in Operator}
QUEUE_PAGE = 100
OUTCOMES = ("succeeded", "failed")
LIVE = ("confirmed", "running")


def _line_id(value: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise NotFound()
    return int(value)


class ProgressPages(Controller):
    path = "/requests"
    include_in_schema = False
    exception_handlers = {ServiceRequired: service_required_redirect}

    @get("/{request_id:str}/progress")
    @inject
    async def progress(
        self,
        request: Req,
        get_progress: FromDishka[GetProgress],
        request_id: FromPath[str],
        status: FromQuery[str | None] = None,
        cursor: FromQuery[str | None] = None,
    ) -> Template | Response[Any]:
        """The request's progress; the fragment asks again every 2 s until the request is finished.

        Asked by htmx (the request's page), it brings along, out of band, the page's other pieces that
        follow the progress — the heading's status badge, the header's action, the lines table's rows in
        the page's view (``status``, ``cursor``) and, once finished, the summary — so the whole page
        shows the outcome without a reload; the last answer stops the polling.
        """
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        progress = await get_progress(request_id, found[0])
        context: dict[str, Any] = {"progress": progress, "request_id": request_id}
        if request.headers.get("hx-request") == "true":
            # read after the progress: a status only moves forward, so the pieces are never behind it
            regions = await live_regions(
                request, found[0], request_id, status, cursor, finished=progress.status not in LIVE
            )
            view = {"status": regions["status_filter"], "cursor": regions["cursor"]}
            params = urlencode({k: v for k, v in view.items() if v})
            context.update(regions, view_params=f"&{params}" if params else "")
        return await render(request, "fulfilment/_progress.html", context)


class UnknownLinePages(Controller):
    path = "/admin/lines"
    include_in_schema = False

    async def _queue(self, request: Req, extra: dict[str, Any] | None = None, status_code: int = 200) -> Template:
        found = await (await resolve(request, ListUnknownLines))(after_id=None, limit=QUEUE_PAGE)
        context: dict[str, Any] = {"active_menu": "lines", "lines": found, "operators": OPERATOR_NAMES}
        context.update(extra or {})
        return await render(request, "fulfilment/admin_lines.html", context, status_code=status_code)

    @get("/")
    async def queue(self, request: Req) -> Template | Response[Any]:
        found = await caller(request)
        if found.staff is None:
            return redirect("/admin/login")
        await require_staff(request, StaffRole.FINANCE)
        return await self._queue(request)

    @post("/{line_id:str}/resolve")
    @inject
    async def resolve_line(
        self, request: Req, resolve_unknown_line: FromDishka[ResolveUnknownLine], line_id: FromPath[str]
    ) -> Template | Response[Any]:
        found = await require_staff(request, StaffRole.FINANCE)
        assert found.staff is not None
        ident = _line_id(line_id)
        form = await request.form()
        outcome = form.get("outcome")
        outcome = outcome if isinstance(outcome, str) else ""
        try:
            done = await resolve_unknown_line(ident, outcome, f"staff:{found.staff.id}")
        except DomainError as exc:
            return await self._queue(request, {"form_error": error_text(exc.code)}, error_status(exc.code))
        return redirect("/admin/lines", flash=f"line_resolved_{done}")
