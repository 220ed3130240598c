"""The portal's «گزارشات» pages: ریز تراکنش with its filter kept in the address, the
filter's totals above the table, a cursor to the next page and the same filter as Excel."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.response import Template

from kook.application.reporting.export_transactions import ExportTransactions
from kook.application.reporting.list_transactions import ListTransactions, TransactionQuery
from kook.domain.routing.operator import Operator
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.entrypoints.http.api.reports import decode_transaction_cursor, encode_transaction_cursor
from kook.entrypoints.http.api.requests import xlsx_response
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
            content = await (await resolve(request, ExportTransactions))(found[0], _query(values))
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
                "errors": errors,
                "form_error": general,
            }
            return await render(request, "reports/transactions.html", context, status_code=422)
        return xlsx_response(content, "transactions.xlsx")
