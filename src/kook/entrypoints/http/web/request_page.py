"""A request's page as the portal draws it, shared by its routes (``web/requests.py``: the list, the page, its
actions; ``web/request_lines.py``: one line of the table, edited and deleted in place): the page itself with its
lines table, the live regions, one row (htmx), an action's refusal, and the forms' inputs."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.response import Template

from kook.application.catalog.list_packages import ListPackages
from kook.application.recharges.get_request import GetRequest
from kook.application.recharges.line_checker import LineInput, LineNotFound
from kook.application.recharges.list_lines import ListLines
from kook.application.recharges.list_runs import ListRuns
from kook.application.recharges.ports import LineView
from kook.application.recharges.summarize_request import SummarizeRequest
from kook.application.teams.get_approval import GetApproval
from kook.domain.recharges.line import LineStatus
from kook.domain.recharges.request import RequestStatus
from kook.domain.routing.operator import Operator
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.entrypoints.http.api.request_models import (
    LINES_PAGE,
    decode_line_cursor,
    encode_line_cursor,
    line_out,
)
from kook.entrypoints.http.context import resolve
from kook.entrypoints.http.messages import error_status
from kook.entrypoints.http.roles import acting
from kook.entrypoints.http.web.rendering import form_errors, render

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


def view_query(status: str | None, cursor: str | None) -> str:
    """``?status=…&cursor=…`` of the lines table's view (empty when it is the first page of all lines)."""
    params = {k: v for k, v in (("status", status), ("cursor", cursor)) if v}
    return f"?{urlencode(params)}" if params else ""


def form_view(form: Any) -> tuple[str | None, str | None]:
    """The table view a row's form came from (so a post without JavaScript returns to it)."""
    status, cursor = form.get("view_status"), form.get("view_cursor")
    status = status if isinstance(status, str) and status in STATUS_FILTERS else None
    try:
        cursor = cursor if isinstance(cursor, str) and decode_line_cursor(cursor) is not None else None
    except ValidationFailed:
        cursor = None
    return status, cursor


def upload_counts(request: Req) -> dict[str, int] | None:
    """An upload's counts carried in the address after it (``?upload=…&rows=…``), for display only."""
    counts: dict[str, int] = {}
    for name in COUNTS:
        value = request.query_params.get(name) or ""
        if not value.isdigit() or len(value) > 7:
            return None
        counts[name] = int(value)
    return counts


async def lines_table(
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
    table = await lines_table(request, customer_id, request_id, status, cursor)
    summary = await (await resolve(request, SummarizeRequest))(request_id, customer_id) if finished else None
    return {"regions": True, "bulk": bulk, **table, "operators": OPERATORS, "summary": summary}


async def request_page(
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
    table = await lines_table(request, customer_id, request_id, status, cursor)
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


async def refused(
    request: Req, customer_id: str, request_id: str, exc: DomainError, status: str | None, cursor: str | None
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
    return await request_page(request, customer_id, request_id, extra, code, status=status, cursor=cursor)


async def line_row_page(
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


async def one_line(request: Req, customer_id: str, request_id: str, line_id: int) -> LineView:
    lines = await resolve(request, ListLines)
    for status in (LineStatus.INVALID.value, None):
        found = await lines(request_id, customer_id, status=status, after=(1, line_id - 1), limit=1)
        if found and found[0][1].id == line_id:
            return found[0][1]
    raise LineNotFound()


def plan_input(form: Any) -> tuple[str | None, dict[str, Any] | None]:
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


def form_line_input(form: Any) -> LineInput:
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
