"""The portal's fulfilment pieces: a request's live progress (an htmx fragment that polls
itself while the request runs) and finance's queue of lines whose outcome is unknown,
each resolved as succeeded (settled) or failed (money given back)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from kook.application.fulfilment.progress import GetProgress, ListUnknownLines, ResolveUnknownLine
from kook.domain.identity.staff import StaffRole
from kook.domain.routing.operator import Operator
from kook.domain.shared.errors import DomainError, NotFound
from kook.entrypoints.http.context import caller, require_staff, resolve
from kook.entrypoints.http.messages import error_status, error_text
from kook.entrypoints.http.web.rendering import redirect, render
from kook.entrypoints.http.web.wallet import ServiceRequired, _customer, service_required_redirect

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
    async def progress(
        self, request: Req, request_id: FromPath[str], live: FromQuery[str | None] = None
    ) -> Template | Response[Any]:
        """The request's progress; the fragment asks again every 2 s until the request is finished.

        A poll (``live=1``) that finds the request finished asks htmx to reload the
        page, so the heading and every line show their outcome too.
        """
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        progress = await (await resolve(request, GetProgress))(request_id, found[0])
        if live == "1" and progress.status not in LIVE and request.headers.get("hx-request") == "true":
            return Response(content=b"", status_code=200, headers={"HX-Refresh": "true"})
        return await render(request, "fulfilment/_progress.html", {"progress": progress, "request_id": request_id})


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
    async def resolve_line(self, request: Req, line_id: FromPath[str]) -> Template | Response[Any]:
        found = await require_staff(request, StaffRole.FINANCE)
        assert found.staff is not None
        ident = _line_id(line_id)
        form = await request.form()
        outcome = form.get("outcome")
        outcome = outcome if isinstance(outcome, str) else ""
        try:
            done = await (await resolve(request, ResolveUnknownLine))(ident, outcome, f"staff:{found.staff.id}")
        except DomainError as exc:
            return await self._queue(request, {"form_error": error_text(exc.code)}, error_status(exc.code))
        return redirect("/admin/lines", flash=f"line_resolved_{done}")
