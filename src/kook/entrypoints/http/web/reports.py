"""The portal's «گزارشات» pages: ریز تراکنش with its filter kept in the address, the
filter's totals above the table, a cursor to the next page and the same filter as Excel;
خلاصه سر جمع فروش with its bar chart; گزارش پرداخت; and the same across customers for
finance and admin staff under ``/admin/reports`` (with a customer filter and the daily totals)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Stream, Template

from kook.adapters.excel.money_workbooks import (
    PAYMENT_STATUS_LABELS,
    bank_label,
    operator_label,
    product_label,
)
from kook.application.customers.get_customer_names import GetCustomerNames
from kook.application.reporting.download_export import DownloadExport
from kook.application.reporting.export_payments import ExportPayments
from kook.application.reporting.export_sales_summary import ExportSalesSummary
from kook.application.reporting.export_transactions import MAX_EXPORT_ROWS, ExportTransactions
from kook.application.reporting.get_daily_totals import GetDailyTotals
from kook.application.reporting.get_export_status import GetExportStatus
from kook.application.reporting.get_sales_summary import GetSalesSummary
from kook.application.reporting.list_payments import ListPayments
from kook.application.reporting.list_transactions import ListTransactions
from kook.application.reporting.payment_filters import payment_filter
from kook.application.reporting.period import staff_customer
from kook.application.reporting.ports import PaymentFilter, ReportExport, SalesSummary, TransactionQuery
from kook.application.reporting.report_exports import ExportNotFound
from kook.application.reporting.start_transaction_export import StartTransactionExport
from kook.domain.identity.staff import StaffRole
from kook.domain.routing.operator import Operator
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.entrypoints.http.api.reports import (
    decode_payment_cursor,
    decode_transaction_cursor,
    encode_payment_cursor,
    encode_transaction_cursor,
    exported_file_response,
    xlsx_file_response,
)
from kook.entrypoints.http.api.requests import xlsx_response
from kook.entrypoints.http.context import caller, require_staff, resolve
from kook.entrypoints.http.web.rendering import form_errors, redirect, render
from kook.entrypoints.http.web.wallet import ServiceRequired, _customer, service_required_redirect

Req = Request[Any, Any, Any]
PAGE = 50
FILTERS = ("from", "to", "status", "operator", "product", "package", "request_id", "mobile")
PERIOD = ("from", "to")
PAYMENT_FILTERS = ("from", "to", "kind", "status")
STAFF = {"report_layout": "layout_staff.html", "report_base": "/admin/reports"}
OPERATORS = [(int(op), op.name_fa) for op in Operator]


def _filters(request: Req, names: tuple[str, ...] = FILTERS) -> dict[str, str]:
    """The filter as the address holds it (at most 64 characters a field)."""
    found: dict[str, str] = {}
    for name in names:
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
        return await (await resolve(request, GetExportStatus))(owner_id, export_id)
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

    @get("/sales")
    async def sales(self, request: Req) -> Response[Any] | Template:
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        return await sales_page(request, found[0], _filters(request, PERIOD), {})

    @get("/sales.xlsx")
    async def sales_xlsx(self, request: Req) -> Response[Any] | Template:
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        return await sales_download(request, found[0], _filters(request, PERIOD), {})

    @get("/payments")
    async def payments(self, request: Req) -> Response[Any] | Template:
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        return await payments_page(request, found[0], _filters(request, PAYMENT_FILTERS), {})

    @get("/payments.xlsx")
    async def payments_xlsx(self, request: Req) -> Response[Any] | Template:
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        return await payments_download(request, found[0], _filters(request, PAYMENT_FILTERS), {})


def sales_chart(summary: SalesSummary) -> dict[str, Any]:
    """The chart's data, from the same figures as the page's table (amounts in rials)."""
    return {
        "labels": [product_label(g) for g in summary.products],
        "datasets": [
            {"label": "مبلغ فروش", "data": [g.amount for g in summary.products]},
            {"label": "برگشتی به کیف پول", "data": [g.failed_amount for g in summary.products]},
        ],
        "unit": "ریال",
    }


async def sales_page(request: Req, customer_id: str | None, values: dict[str, str], extra: dict[str, Any]) -> Template:
    context: dict[str, Any] = {
        "active_menu": "reports",
        "values": values,
        "summary": None,
        "export_query": urlencode(values),
        **extra,
    }
    try:
        summary = await (await resolve(request, GetSalesSummary))(customer_id, values.get("from"), values.get("to"))
    except ValidationFailed as exc:
        context["errors"], _ = form_errors(exc)
        return await render(request, "reports/sales.html", context, status_code=422)
    labels = {g.key: product_label(g) for g in summary.products}
    labels.update({g.key: operator_label(g) for g in summary.operators})
    context.update({"summary": summary, "labels": labels, "chart": sales_chart(summary)})
    return await render(request, "reports/sales.html", context)


async def sales_download(
    request: Req, customer_id: str | None, values: dict[str, str], extra: dict[str, Any]
) -> Response[Any] | Template:
    try:
        content = await (await resolve(request, ExportSalesSummary))(customer_id, values.get("from"), values.get("to"))
    except ValidationFailed:
        return await sales_page(request, customer_id, values, extra)
    return xlsx_response(content, "sales-summary.xlsx")


def _payment_filter(customer_id: str | None, values: dict[str, str]) -> PaymentFilter:
    return payment_filter(customer_id, values.get("from"), values.get("to"), values.get("kind"), values.get("status"))


def _payment_context(values: dict[str, str], extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "active_menu": "reports",
        "values": values,
        "rows": [],
        "totals": None,
        "next_query": None,
        "export_query": urlencode(values),
        "status_labels": PAYMENT_STATUS_LABELS,
        "bank_labels": {},
        "customer_names": {},
        **extra,
    }


async def payments_page(
    request: Req, customer_id: str | None, values: dict[str, str], extra: dict[str, Any]
) -> Template:
    context = _payment_context(values, extra)
    try:
        filter = payment_filter(
            customer_id, values.get("from"), values.get("to"), values.get("kind"), values.get("status")
        )
        cursor = decode_payment_cursor(request.query_params.get("cursor"))
        page = await (await resolve(request, ListPayments))(filter, after=cursor, limit=PAGE)
    except ValidationFailed as exc:
        context["errors"], _ = form_errors(exc)
        return await render(request, "reports/payments.html", context, status_code=422)
    context.update({"rows": page.rows, "totals": page.totals, "bank_labels": {r.id: bank_label(r) for r in page.rows}})
    if customer_id is None or extra:
        context["customer_names"] = await (await resolve(request, GetCustomerNames))({r.customer_id for r in page.rows})
    if page.next_cursor is not None:
        context["next_query"] = urlencode({**values, "cursor": encode_payment_cursor(page.next_cursor)})
    return await render(request, "reports/payments.html", context)


async def payments_download(
    request: Req, customer_id: str | None, values: dict[str, str], extra: dict[str, Any]
) -> Response[Any] | Template:
    try:
        filter = payment_filter(
            customer_id, values.get("from"), values.get("to"), values.get("kind"), values.get("status")
        )
        content = await (await resolve(request, ExportPayments))(filter)
    except DomainError as exc:
        context = _payment_context(values, extra)
        context["errors"], context["form_error"] = form_errors(exc)
        return await render(request, "reports/payments.html", context, status_code=422)
    return xlsx_response(content, "payments.xlsx")


async def _staff(request: Req) -> bool:
    """Finance or admin staff (a 403 for other staff); False: not signed in as staff."""
    found = await caller(request)
    if found.staff is None:
        return False
    await require_staff(request, StaffRole.FINANCE)
    return True


def _staff_values(request: Req, names: tuple[str, ...]) -> dict[str, str]:
    return _filters(request, (*names, "customer"))


class AdminReportPages(Controller):
    """The reports across customers for finance and admin staff (``customer`` narrows to one)."""

    path = "/admin/reports"
    include_in_schema = False

    @get("/")
    async def index(self, request: Req) -> Response[Any]:
        return redirect("/admin/reports/transactions")

    @get("/transactions")
    async def transactions(self, request: Req) -> Response[Any] | Template:
        if not await _staff(request):
            return redirect("/admin/login")
        values = _staff_values(request, FILTERS)
        context: dict[str, Any] = {
            "active_menu": "reports",
            "values": values,
            "operators": OPERATORS,
            "rows": [],
            "totals": None,
            "next_query": None,
            "export_query": urlencode(values),
            "customer_names": {},
            **STAFF,
        }
        try:
            customer_id = staff_customer(values.get("customer"))
            cursor = decode_transaction_cursor(request.query_params.get("cursor"))
            page = await (await resolve(request, ListTransactions))(
                customer_id, _query(values), after=cursor, limit=PAGE
            )
        except ValidationFailed as exc:
            context["errors"], _ = form_errors(exc)
            return await render(request, "reports/transactions.html", context, status_code=422)
        context.update({"rows": page.rows, "totals": page.totals, "first_page": cursor is None})
        context["customer_names"] = await (await resolve(request, GetCustomerNames))({r.customer_id for r in page.rows})
        if page.next_cursor is not None:
            context["next_query"] = urlencode({**values, "cursor": encode_transaction_cursor(page.next_cursor)})
        return await render(request, "reports/transactions.html", context)

    @get("/transactions.xlsx")
    async def transactions_xlsx(self, request: Req) -> Response[Any] | Template:
        if not await _staff(request):
            return redirect("/admin/login")
        values = _staff_values(request, FILTERS)
        try:
            customer_id = staff_customer(values.get("customer"))
            exported = await (await resolve(request, ExportTransactions))(customer_id, _query(values))
        except DomainError as exc:
            errors, general = form_errors(exc)
            context = {
                "active_menu": "reports",
                "values": values,
                "operators": OPERATORS,
                "export_query": urlencode(values),
                "errors": errors,
                "form_error": general,
                **STAFF,
            }
            return await render(request, "reports/transactions.html", context, status_code=422)
        return exported_file_response(exported, "transactions.xlsx")

    @get("/sales")
    async def sales(self, request: Req) -> Response[Any] | Template:
        if not await _staff(request):
            return redirect("/admin/login")
        values = _staff_values(request, PERIOD)
        try:
            customer_id = staff_customer(values.get("customer"))
        except ValidationFailed as exc:
            return await _invalid(request, "reports/sales.html", values, exc)
        return await sales_page(request, customer_id, values, dict(STAFF))

    @get("/sales.xlsx")
    async def sales_xlsx(self, request: Req) -> Response[Any] | Template:
        if not await _staff(request):
            return redirect("/admin/login")
        values = _staff_values(request, PERIOD)
        try:
            customer_id = staff_customer(values.get("customer"))
        except ValidationFailed as exc:
            return await _invalid(request, "reports/sales.html", values, exc)
        return await sales_download(request, customer_id, values, dict(STAFF))

    @get("/payments")
    async def payments(self, request: Req) -> Response[Any] | Template:
        if not await _staff(request):
            return redirect("/admin/login")
        values = _staff_values(request, PAYMENT_FILTERS)
        try:
            customer_id = staff_customer(values.get("customer"))
        except ValidationFailed as exc:
            return await _invalid(request, "reports/payments.html", values, exc)
        return await payments_page(request, customer_id, values, dict(STAFF))

    @get("/payments.xlsx")
    async def payments_xlsx(self, request: Req) -> Response[Any] | Template:
        if not await _staff(request):
            return redirect("/admin/login")
        values = _staff_values(request, PAYMENT_FILTERS)
        try:
            customer_id = staff_customer(values.get("customer"))
        except ValidationFailed as exc:
            return await _invalid(request, "reports/payments.html", values, exc)
        return await payments_download(request, customer_id, values, dict(STAFF))

    @get("/daily")
    async def daily(self, request: Req) -> Response[Any] | Template:
        if not await _staff(request):
            return redirect("/admin/login")
        values = _staff_values(request, PERIOD)
        context: dict[str, Any] = {"active_menu": "reports", "values": values, "result": None, **STAFF}
        try:
            customer_id = staff_customer(values.get("customer"))
            context["result"] = await (await resolve(request, GetDailyTotals))(
                values.get("from"), values.get("to"), customer_id
            )
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
        export = await (await resolve(request, GetExportStatus))(found[1], export_id)
        if not request.headers.get("hx-request"):
            return redirect(f"/reports/transactions?{urlencode({**_filter_values(export), 'export': export.id})}")
        return await render(request, "reports/_export.html", {"export": export})

    @get("/exports/{export_id:str}/file")
    async def export_file(self, request: Req, export_id: FromPath[str]) -> Response[Any] | Stream:
        found = await _customer(request)
        if found is None:
            return redirect("/login")
        path, _export = await (await resolve(request, DownloadExport))(found[1], export_id)
        return xlsx_file_response(path, "transactions.xlsx", remove=False)
