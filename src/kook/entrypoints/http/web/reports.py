"""The portal's «گزارشات» pages: ریز تراکنش with its filter kept in the address, the
filter's totals above the table, a cursor to the next page and the same filter as Excel."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Stream, Template

from kook.application.reporting.export_transactions import MAX_EXPORT_ROWS, ExportTransactions
from kook.application.reporting.exports import (
    ExportDownload,
    ExportNotFound,
    ExportStatus,
    ReportExport,
    StartTransactionExport,
)
from kook.application.reporting.list_transactions import ListTransactions, TransactionQuery
from kook.domain.routing.operator import Operator
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.entrypoints.http.api.reports import (
    decode_transaction_cursor,
    encode_transaction_cursor,
    exported_file_response,
    xlsx_file_response,
)
from kook.entrypoints.http.context import resolve
from kook.entrypoints.http.web.rendering import form_errors, redirect, render
from kook.entrypoints.http.web.wallet import ServiceRequired, _customer, service_required_redirect

Req = Request[Any, Any, Any]
PAGE = 50
FILTERS = ("from", "to", "status", "operator", "product", "package", "request_id", "mobile")
OPERATORS = [(int(op), op.name_fa) for op in Operator]


def _filters(request: Req) -> dict[str, str]:
    """The filter as the address holds it (at most 64 characters a field)."""
    found: dict[str, str] = {}
    for name in FILTERS:
        value = request.query_params.get(name)
        if isinstance(value, str) and value.strip():
            found[name] = value.strip()[:64]
    return found


def _query(values: dict[str, str]) -> TransactionQuery:
    return TransactionQuery(
        start=values.get("from"),
        end=values.get("to"),
        status=values.get("status"),
        operator=values.get("operator"),
        product=values.get("product"),
        package_code=values.get("package"),
        request_id=values.get("request_id"),
        mobile=values.get("mobile"),
    )


async def _export_shown(request: Req, owner_id: str) -> ReportExport | None:
    """The background export the address names (``export=``), when it is the caller's own."""
    export_id = request.query_params.get("export")
    if not isinstance(export_id, str) or not export_id:
        return None
    try:
        return await (await resolve(request, ExportStatus))(owner_id, export_id)
    except ExportNotFound:
        return None


def _filter_values(export: ReportExport) -> dict[str, str]:
    query = export.query
    fields = {
        "from": query.start,
        "to": query.end,
        "status": query.status,
        "operator": query.operator,
        "product": query.product,
        "package": query.package_code,
        "request_id": query.request_id,
        "mobile": query.mobile,
    }
    return {name: value for name, value in fields.items() if value}


class ReportPages(Controller):
    path = "/reports"
    include_in_schema = False
    exception_handlers = {ServiceRequired: service_required_redirect}

    @get("/")
    async def index(self) -> Response[Any]:
        return redirect("/reports/transactions")

    @get("/transactions")
    async def transactions(self, request: Req) -> Response[Any] | Template:
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        values = _filters(request)
        context: dict[str, Any] = {
            "active_menu": "reports",
            "values": values,
            "operators": OPERATORS,
            "rows": [],
            "totals": None,
            "next_query": None,
            "export_query": urlencode(values),
            "export_limit": MAX_EXPORT_ROWS,
            "export": await _export_shown(request, found[1]),
        }
        try:
            cursor = decode_transaction_cursor(request.query_params.get("cursor"))
            page = await (await resolve(request, ListTransactions))(found[0], _query(values), after=cursor, limit=PAGE)
        except ValidationFailed as exc:
            context["errors"], _ = form_errors(exc)
            return await render(request, "reports/transactions.html", context, status_code=422)
        context["rows"] = page.rows
        context["totals"] = page.totals
        context["first_page"] = cursor is None
        if page.next_cursor is not None:
            context["next_query"] = urlencode({**values, "cursor": encode_transaction_cursor(page.next_cursor)})
        return await render(request, "reports/transactions.html", context)

    @get("/transactions.xlsx")
    async def transactions_xlsx(self, request: Req) -> Response[Any] | Template:
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        values = _filters(request)
        try:
            exported = await (await resolve(request, ExportTransactions))(found[0], _query(values))
        except DomainError as exc:
            errors, general = form_errors(exc)
            context = {
                "active_menu": "reports",
                "values": values,
                "operators": OPERATORS,
                "rows": [],
                "totals": None,
                "next_query": None,
                "export_query": urlencode(values),
                "export_limit": MAX_EXPORT_ROWS,
                "export_too_large": exc.code == "export_too_large",
                "errors": errors,
                "form_error": general,
            }
            return await render(request, "reports/transactions.html", context, status_code=422)
        return exported_file_response(exported, "transactions.xlsx")


class ReportExportPages(Controller):
    """Background exports of the portal: started from the report's page, followed there (htmx polls the
    progress fragment), downloaded by their owner only (anyone else: 404)."""

    path = "/reports"
    include_in_schema = False
    exception_handlers = {ServiceRequired: service_required_redirect}

    @post("/transactions/exports")
    async def start_export(self, request: Req) -> Response[Any] | Template:
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        form = await request.form()
        values = {name: str(form.get(name)).strip()[:64] for name in FILTERS if str(form.get(name) or "").strip()}
        try:
            export = await (await resolve(request, StartTransactionExport))(found[1], found[0], _query(values))
        except ValidationFailed as exc:
            errors, _ = form_errors(exc)
            context = {
                "active_menu": "reports",
                "values": values,
                "operators": OPERATORS,
                "rows": [],
                "totals": None,
                "next_query": None,
                "export_query": urlencode(values),
                "export_limit": MAX_EXPORT_ROWS,
                "errors": errors,
            }
            return await render(request, "reports/transactions.html", context, status_code=422)
        if request.headers.get("hx-request"):
            return await render(request, "reports/_export.html", {"export": export})
        return redirect(f"/reports/transactions?{urlencode({**values, 'export': export.id})}")

    @get("/exports/{export_id:str}")
    async def export_progress(self, request: Req, export_id: FromPath[str]) -> Response[Any] | Template:
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        export = await (await resolve(request, ExportStatus))(found[1], export_id)
        if not request.headers.get("hx-request"):
            return redirect(f"/reports/transactions?{urlencode({**_filter_values(export), 'export': export.id})}")
        return await render(request, "reports/_export.html", {"export": export})

    @get("/exports/{export_id:str}/file")
    async def export_file(self, request: Req, export_id: FromPath[str]) -> Response[Any] | Stream:
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        path, _export = await (await resolve(request, ExportDownload))(found[1], export_id)
        return xlsx_file_response(path, "transactions.xlsx", remove=False)
