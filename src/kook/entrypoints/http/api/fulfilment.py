"""JSON API of fulfilment: a request's progress, and finance's queue of unknown outcomes (API.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from kook.application.fulfilment.get_progress import GetProgress
from kook.application.fulfilment.list_unknown_lines import ListUnknownLines
from kook.application.fulfilment.ports import Progress
from kook.application.fulfilment.resolve_unknown_line import ResolveUnknownLine
from kook.domain.identity.staff import StaffRole
from kook.domain.shared.errors import NotFound, ValidationFailed
from kook.entrypoints.http.context import require_staff
from kook.entrypoints.http.cursors import decode_id_cursor
from kook.entrypoints.http.session_customer import customer_of

Req = Request[Any, Any, Any]
PAGE = 100


class ProgressOut(msgspec.Struct):
    status: str
    lines: int
    pending: int
    sending: int
    succeeded: int
    failed: int
    unknown: int
    settled: int
    released: int
    held: int


def progress_out(found: Progress) -> ProgressOut:
    return ProgressOut(**{f: getattr(found, f) for f in ProgressOut.__struct_fields__})


class UnknownLineOut(msgspec.Struct):
    id: int
    request_id: str
    request_name: str
    customer_id: str
    mobile: str
    operator: int
    product: str
    package_code: str | None
    price: int
    reference: str
    attempt: int
    checks: int
    unknown_since: datetime | None
    escalated: bool


class UnknownLineList(msgspec.Struct):
    items: list[UnknownLineOut]
    next_cursor: str | None


class ResolveBody(msgspec.Struct):
    outcome: str


class ResolvedOut(msgspec.Struct):
    id: int
    status: str


def _line_id(value: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise NotFound()
    return int(value)


class ProgressController(Controller):
    path = "/api/v1/requests"
    tags = ["requests"]

    @get("/{request_id:str}/progress")
    @inject
    async def progress(
        self, request: Req, get_progress: FromDishka[GetProgress], request_id: FromPath[str]
    ) -> ProgressOut:
        customer_id, _, _ = await customer_of(request)
        return progress_out(await get_progress(request_id, customer_id))


class AdminLinesController(Controller):
    path = "/api/v1/admin/lines"
    tags = ["back office"]

    @get("/")
    @inject
    async def unknown(
        self,
        request: Req,
        list_unknown_lines: FromDishka[ListUnknownLines],
        status: FromQuery[str | None] = "unknown",
        cursor: FromQuery[str | None] = None,
    ) -> UnknownLineList:
        await require_staff(request, StaffRole.FINANCE)
        if status not in (None, "", "unknown"):
            raise ValidationFailed({"status": "invalid"})
        found = await list_unknown_lines(after_id=decode_id_cursor(cursor), limit=PAGE + 1)
        page = found[:PAGE]
        next_cursor = str(page[-1].id) if len(found) > PAGE else None
        return UnknownLineList(
            [UnknownLineOut(**{f: getattr(line, f) for f in UnknownLineOut.__struct_fields__}) for line in page],
            next_cursor,
        )

    @post("/{line_id:str}/resolve", status_code=200)
    @inject
    async def resolve_line(
        self,
        request: Req,
        resolve_unknown_line: FromDishka[ResolveUnknownLine],
        line_id: FromPath[str],
        data: JSONBody[ResolveBody],
    ) -> ResolvedOut:
        found = await require_staff(request, StaffRole.FINANCE)
        assert found.staff is not None
        ident = _line_id(line_id)
        status = await resolve_unknown_line(ident, data.outcome, f"staff:{found.staff.id}")
        return ResolvedOut(ident, status)
