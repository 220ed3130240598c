"""The portal's «گزارشات» pages: ریز تراکنش with its filter kept in the address, the
filter's totals above the table, a cursor to the next page and the same filter as Excel;
خلاصه سر جمع فروش with its bar chart; گزارش پرداخت; and the same across customers for
finance and admin staff under ``/admin/reports`` (with a customer filter and the daily totals)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from dishka.integrations.litestar import FromDishka, inject
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
from kook.application.reporting.get_export_status import GetExportStatus
from kook.application.reporting.get_sales_summary import GetSalesSummary
from kook.application.reporting.list_payments import ListPayments
from kook.application.reporting.list_transactions import ListTransactions
from kook.application.reporting.payment_filters import payment_filter
from kook.application.reporting.ports import PaymentFilter, ReportExport, SalesSummary, TransactionQuery
from kook.application.reporting.report_exports import ExportNotFound
from kook.application.reporting.start_transaction_export import StartTransactionExport
from kook.domain.routing.operator import Operator
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.entrypoints.http.api.report_exports import exported_file_response, xlsx_file_response
from kook.entrypoints.http.api.reports import (
    decode_payment_cursor,
    decode_transaction_cursor,
    encode_payment_cursor,
    encode_transaction_cursor,
)
from kook.entrypoints.http.api.request_models import xlsx_response
from kook.entrypoints.http.context import resolve
from kook.entrypoints.http.session_customer import ServiceRequired, portal_customer
from kook.entrypoints.http.web.rendering import form_context, form_errors, redirect, render, render_form_error
from kook.entrypoints.http.web.wallet import service_required_redirect

Req = Request[Any, Any, Any]
PAGE = 50
FILTERS = ("from", "to", "status", "operator", "product", "package", "request_id", "mobile")
PERIOD = ("from", "to")
PAYMENT_FILTERS = ("from", "to", "kind", "status")
STAFF = {"report_layout": "layout_staff.html", "report_base": "/admin/reports"}
OPERATORS = [(int(op), op.name_fa) for op in Operator]


def filter_values(request: Req, names: tuple[str, ...] = FILTERS) -> dict[str, str]:
    """The filter as the address holds it (at most 64 characters a field)."""
    found: dict[str, str] = {}
    for name in names:
        value = request.query_params.get(name)
        if isinstance(value, str) and value.strip():
            found[name] = value.strip()[:64]
    return found


def transactions_context(values: dict[str, str], *, with_page: bool = True, **extra: Any) -> dict[str, Any]:
    """ریز تراکنش's page context before (or without) a page of rows: the filter as typed, the operators to pick
    from, the export link's query; ``with_page``: an empty table (no rows, totals or next page) too."""
    context: dict[str, Any] = {
        "active_menu": "reports",
        "values": values,
        "operators": OPERATORS,
        "export_query": urlencode(values),
    }
    if with_page:
        context.update({"rows": [], "totals": None, "next_query": None})
    return {**context, **extra}


def transaction_query(values: dict[str, str]) -> TransactionQuery:
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
    @inject
    async def transactions(
        self, request: Req, list_transactions: FromDishka[ListTransactions]
    ) -> Response[Any] | Template:
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        values = filter_values(request)
        context = transactions_context(
            values, export_limit=MAX_EXPORT_ROWS, export=await _export_shown(request, found[1])
        )
        try:
            cursor = decode_transaction_cursor(request.query_params.get("cursor"))
            page = await list_transactions(found[0], transaction_query(values), after=cursor, limit=PAGE)
        except ValidationFailed as exc:
            context.update(form_context(exc))
            return await render(request, "reports/transactions.html", context, status_code=422)
        context["rows"] = page.rows
        context["totals"] = page.totals
        context["first_page"] = cursor is None
        if page.next_cursor is not None:
            context["next_query"] = urlencode({**values, "cursor": encode_transaction_cursor(page.next_cursor)})
        return await render(request, "reports/transactions.html", context)

    @get("/transactions.xlsx")
    @inject
    async def transactions_xlsx(
        self, request: Req, export_transactions: FromDishka[ExportTransactions]
    ) -> Response[Any] | Template:
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        values = filter_values(request)
        try:
            exported = await export_transactions(found[0], transaction_query(values))
        except DomainError as exc:
            too_large = exc.code == "export_too_large"
            context = transactions_context(values, export_limit=MAX_EXPORT_ROWS, export_too_large=too_large)
            return await render_form_error(request, "reports/transactions.html", exc, 422, **context)
        return exported_file_response(exported, "transactions.xlsx")

    @get("/sales")
    async def sales(self, request: Req) -> Response[Any] | Template:
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        return await sales_page(request, found[0], filter_values(request, PERIOD), {})

    @get("/sales.xlsx")
    async def sales_xlsx(self, request: Req) -> Response[Any] | Template:
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        return await sales_download(request, found[0], filter_values(request, PERIOD), {})

    @get("/payments")
    async def payments(self, request: Req) -> Response[Any] | Template:
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        return await payments_page(request, found[0], filter_values(request, PAYMENT_FILTERS), {})

    @get("/payments.xlsx")
    async def payments_xlsx(self, request: Req) -> Response[Any] | Template:
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        return await payments_download(request, found[0], filter_values(request, PAYMENT_FILTERS), {})


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


class ReportExportPages(Controller):
    """Background exports of the portal: started from the report's page, followed there (htmx polls the
    progress fragment), downloaded by their owner only (anyone else: 404)."""

    path = "/reports"
    include_in_schema = False
    exception_handlers = {ServiceRequired: service_required_redirect}

    @post("/transactions/exports")
    @inject
    async def start_export(
        self, request: Req, start_transaction_export: FromDishka[StartTransactionExport]
    ) -> Response[Any] | Template:
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        form = await request.form()
        values = {name: str(form.get(name)).strip()[:64] for name in FILTERS if str(form.get(name) or "").strip()}
        try:
            export = await start_transaction_export(found[1], found[0], transaction_query(values))
        except ValidationFailed as exc:
            context = {**transactions_context(values, export_limit=MAX_EXPORT_ROWS), **form_context(exc)}
            return await render(request, "reports/transactions.html", context, status_code=422)
        if request.headers.get("hx-request"):
            return await render(request, "reports/_export.html", {"export": export})
        return redirect(f"/reports/transactions?{urlencode({**values, 'export': export.id})}")

    @get("/exports/{export_id:str}")
    @inject
    async def export_progress(
        self, request: Req, export_status: FromDishka[GetExportStatus], export_id: FromPath[str]
    ) -> Response[Any] | Template:
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        export = await export_status(found[1], export_id)
        if not request.headers.get("hx-request"):
            return redirect(f"/reports/transactions?{urlencode({**_filter_values(export), 'export': export.id})}")
        return await render(request, "reports/_export.html", {"export": export})

    @get("/exports/{export_id:str}/file")
    @inject
    async def export_file(
        self, request: Req, export_download: FromDishka[DownloadExport], export_id: FromPath[str]
    ) -> Response[Any] | Stream:
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        path, _export = await export_download(found[1], export_id)
        return xlsx_file_response(path, "transactions.xlsx", remove=False)
