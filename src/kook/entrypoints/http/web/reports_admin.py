"""The back office's report pages (finance and admin): the customers' reports across customers (``customer``
narrows to one) and finance's daily totals. (Split from ``web/reports.py``, which keeps the customers' pages,
their exports and the helpers both use.)"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get
from litestar.response import Template

from kook.adapters.excel.money_workbooks import (
    PAYMENT_STATUS_LABELS,
)
from kook.application.customers.get_customer_names import GetCustomerNames
from kook.application.reporting.export_transactions import ExportTransactions
from kook.application.reporting.get_daily_totals import GetDailyTotals
from kook.application.reporting.list_transactions import ListTransactions
from kook.application.reporting.period import staff_customer
from kook.domain.identity.staff import StaffRole
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.entrypoints.http.api.report_exports import exported_file_response
from kook.entrypoints.http.api.reports import (
    decode_transaction_cursor,
    encode_transaction_cursor,
)
from kook.entrypoints.http.context import caller, require_staff
from kook.entrypoints.http.web.rendering import form_context, form_errors, redirect, render, render_form_error
from kook.entrypoints.http.web.reports import (
    FILTERS,
    PAGE,
    PAYMENT_FILTERS,
    PERIOD,
    STAFF,
    filter_values,
    payments_download,
    payments_page,
    sales_download,
    sales_page,
    transaction_query,
    transactions_context,
)

Req = Request[Any, Any, Any]


async def _staff(request: Req) -> bool:
    """Finance or admin staff (a 403 for other staff); False: not signed in as staff."""
    found = await caller(request)
    if found.staff is None:
        return False
    await require_staff(request, StaffRole.FINANCE)
    return True


def _staff_values(request: Req, names: tuple[str, ...]) -> dict[str, str]:
    return filter_values(request, (*names, "customer"))


async def _staff_report(
    request: Req,
    names: tuple[str, ...],
    template: str,
    draw: Callable[[Req, str | None, dict[str, str], dict[str, Any]], Awaitable[Response[Any] | Template]],
) -> Response[Any] | Template:
    """A customer report's page or file (``draw``), across customers: the staff's filter, ``customer`` checked."""
    if not await _staff(request):
        return redirect("/admin/login")
    values = _staff_values(request, names)
    try:
        customer_id = staff_customer(values.get("customer"))
    except ValidationFailed as exc:
        return await _invalid(request, template, values, exc)
    return await draw(request, customer_id, values, dict(STAFF))


class AdminReportPages(Controller):
    """The reports across customers for finance and admin staff (``customer`` narrows to one)."""

    path = "/admin/reports"
    include_in_schema = False

    @get("/")
    async def index(self, request: Req) -> Response[Any]:
        return redirect("/admin/reports/transactions")

    @get("/transactions")
    @inject
    async def transactions(
        self,
        request: Req,
        customer_names: FromDishka[GetCustomerNames],
        list_transactions: FromDishka[ListTransactions],
    ) -> Response[Any] | Template:
        if not await _staff(request):
            return redirect("/admin/login")
        values = _staff_values(request, FILTERS)
        context = {**transactions_context(values, customer_names={}), **STAFF}
        try:
            customer_id = staff_customer(values.get("customer"))
            cursor = decode_transaction_cursor(request.query_params.get("cursor"))
            page = await list_transactions(customer_id, transaction_query(values), after=cursor, limit=PAGE)
        except ValidationFailed as exc:
            context.update(form_context(exc))
            return await render(request, "reports/transactions.html", context, status_code=422)
        context.update({"rows": page.rows, "totals": page.totals, "first_page": cursor is None})
        context["customer_names"] = await customer_names({r.customer_id for r in page.rows})
        if page.next_cursor is not None:
            context["next_query"] = urlencode({**values, "cursor": encode_transaction_cursor(page.next_cursor)})
        return await render(request, "reports/transactions.html", context)

    @get("/transactions.xlsx")
    @inject
    async def transactions_xlsx(
        self, request: Req, export_transactions: FromDishka[ExportTransactions]
    ) -> Response[Any] | Template:
        if not await _staff(request):
            return redirect("/admin/login")
        values = _staff_values(request, FILTERS)
        try:
            customer_id = staff_customer(values.get("customer"))
            exported = await export_transactions(customer_id, transaction_query(values))
        except DomainError as exc:
            context = {**transactions_context(values, with_page=False), **STAFF}
            return await render_form_error(request, "reports/transactions.html", exc, 422, **context)
        return exported_file_response(exported, "transactions.xlsx")

    @get("/sales")
    async def sales(self, request: Req) -> Response[Any] | Template:
        return await _staff_report(request, PERIOD, "reports/sales.html", sales_page)

    @get("/sales.xlsx")
    async def sales_xlsx(self, request: Req) -> Response[Any] | Template:
        return await _staff_report(request, PERIOD, "reports/sales.html", sales_download)

    @get("/payments")
    async def payments(self, request: Req) -> Response[Any] | Template:
        return await _staff_report(request, PAYMENT_FILTERS, "reports/payments.html", payments_page)

    @get("/payments.xlsx")
    async def payments_xlsx(self, request: Req) -> Response[Any] | Template:
        return await _staff_report(request, PAYMENT_FILTERS, "reports/payments.html", payments_download)

    @get("/daily")
    @inject
    async def daily(self, request: Req, daily_totals_report: FromDishka[GetDailyTotals]) -> Response[Any] | Template:
        if not await _staff(request):
            return redirect("/admin/login")
        values = _staff_values(request, PERIOD)
        context: dict[str, Any] = {"active_menu": "reports", "values": values, "result": None, **STAFF}
        try:
            customer_id = staff_customer(values.get("customer"))
            context["result"] = await daily_totals_report(values.get("from"), values.get("to"), customer_id)
        except ValidationFailed as exc:
            context["errors"], _ = form_errors(exc)
            return await render(request, "reports/daily.html", context, status_code=422)
        return await render(request, "reports/daily.html", context)


async def _invalid(request: Req, template: str, values: dict[str, str], exc: ValidationFailed) -> Template:
    errors, _ = form_errors(exc)
    context: dict[str, Any] = {
        "active_menu": "reports",
        "values": values,
        "errors": errors,
        "summary": None,
        "rows": [],
        "totals": None,
        "status_labels": PAYMENT_STATUS_LABELS,
        "bank_labels": {},
        "customer_names": {},
        "export_query": urlencode(values),
        **STAFF,
    }
    return await render(request, template, context, status_code=422)
