"""JSON API of the reports across customers (API.md "Reports", staff): ریز تراکنش, خلاصه سر جمع فروش and گزارش
پرداخت for finance and admin (``customer`` narrows to one), and finance's daily totals. (Split from
``api/reports.py``, which keeps the customers' reports and the shapes both use.)"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get
from litestar.params import FromQuery, QueryParameter

from kook.application.reporting.export_transactions import ExportTransactions
from kook.application.reporting.get_daily_totals import GetDailyTotals
from kook.application.reporting.list_transactions import ListTransactions
from kook.application.reporting.period import staff_customer
from kook.application.reporting.ports import TransactionQuery
from kook.domain.identity.staff import StaffRole
from kook.entrypoints.http.api.report_exports import exported_file_response
from kook.entrypoints.http.api.reports import (
    PAGE,
    DailyTotalsOut,
    StaffTransactionOut,
    StaffTransactionsOut,
    day_out,
    decode_transaction_cursor,
    encode_transaction_cursor,
    payments_response,
    sales_response,
    totals_out,
    transaction_out,
    wants_xlsx,
)
from kook.entrypoints.http.context import require_staff, resolve

Req = Request[Any, Any, Any]


class AdminReportsController(Controller):
    """The reports across customers (``customer`` narrows to one), for finance and admin staff."""

    path = "/api/v1/admin/reports"
    tags = ["reports", "admin"]

    @get("/transactions")
    async def transactions(
        self,
        request: Req,
        start: Annotated[str | None, QueryParameter(name="from")] = None,
        end: Annotated[str | None, QueryParameter(name="to")] = None,
        customer: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        operator: FromQuery[str | None] = None,
        product: FromQuery[str | None] = None,
        package: FromQuery[str | None] = None,
        request_id: FromQuery[str | None] = None,
        mobile: FromQuery[str | None] = None,
        cursor: FromQuery[str | None] = None,
        format: FromQuery[str | None] = None,
    ) -> Response[Any]:
        """ریز تراکنش across customers (the customer's report's parameters, and ``customer``)."""
        await require_staff(request, StaffRole.FINANCE)
        customer_id = staff_customer(customer)
        query = TransactionQuery(
            start=start,
            end=end,
            status=status,
            operator=operator,
            product=product,
            package_code=package,
            request_id=request_id,
            mobile=mobile,
        )
        if wants_xlsx(request, format):
            exported = await (await resolve(request, ExportTransactions))(customer_id, query)
            return exported_file_response(exported, "transactions.xlsx")
        page = await (await resolve(request, ListTransactions))(
            customer_id, query, after=decode_transaction_cursor(cursor), limit=PAGE
        )
        next_cursor = encode_transaction_cursor(page.next_cursor) if page.next_cursor else None
        items = [
            StaffTransactionOut(**msgspec.structs.asdict(transaction_out(r)), customer_id=r.customer_id)
            for r in page.rows
        ]
        return Response(StaffTransactionsOut(items, next_cursor, totals_out(page.totals)))

    @get("/sales-summary")
    async def sales_summary(
        self,
        request: Req,
        start: Annotated[str | None, QueryParameter(name="from")] = None,
        end: Annotated[str | None, QueryParameter(name="to")] = None,
        customer: FromQuery[str | None] = None,
        format: FromQuery[str | None] = None,
    ) -> Response[Any]:
        """خلاصه سر جمع فروش across customers (only succeeded lines are sales)."""
        await require_staff(request, StaffRole.FINANCE)
        return await sales_response(request, staff_customer(customer), start, end, format)

    @get("/payments")
    async def payments(
        self,
        request: Req,
        start: Annotated[str | None, QueryParameter(name="from")] = None,
        end: Annotated[str | None, QueryParameter(name="to")] = None,
        customer: FromQuery[str | None] = None,
        kind: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        cursor: FromQuery[str | None] = None,
        format: FromQuery[str | None] = None,
    ) -> Response[Any]:
        """گزارش پرداخت across customers; each item names its ``customer_id``."""
        await require_staff(request, StaffRole.FINANCE)
        return await payments_response(
            request, staff_customer(customer), start, end, kind, status, cursor, format, staff=True
        )

    @get("/daily-totals")
    @inject
    async def daily_totals(
        self,
        request: Req,
        daily_totals_report: FromDishka[GetDailyTotals],
        start: Annotated[str | None, QueryParameter(name="from")] = None,
        end: Annotated[str | None, QueryParameter(name="to")] = None,
        customer: FromQuery[str | None] = None,
    ) -> DailyTotalsOut:
        """Money in (gateway: verified payments by day verified; slips: approved by day approved) and money
        out (operators: succeeded lines by day finished) per Tehran day, newest first, days without money
        left out. Without ``from``/``to``: the last 31 days. At most 366 days."""
        await require_staff(request, StaffRole.FINANCE)
        result = await daily_totals_report(start, end, staff_customer(customer))
        return DailyTotalsOut([day_out(d) for d in result.days], day_out(result.total))
