"""JSON API of the reports (API.md "Reports"): ریز تراکنش, a page or the whole filter as ``.xlsx``;
خلاصه سر جمع فروش; گزارش پرداخت; and the same across customers for staff, with finance's daily totals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import FromQuery, QueryParameter

from kook.application.reporting.export_payments import ExportPayments
from kook.application.reporting.export_sales_summary import ExportSalesSummary
from kook.application.reporting.export_transactions import ExportTransactions
from kook.application.reporting.get_sales_summary import GetSalesSummary
from kook.application.reporting.list_payments import ListPayments
from kook.application.reporting.list_transactions import ListTransactions
from kook.application.reporting.payment_filters import payment_filter
from kook.application.reporting.ports import (
    DayTotals,
    PaymentCursor,
    PaymentRow,
    SalesGroup,
    TransactionCursor,
    TransactionQuery,
    TransactionRow,
    TransactionTotals,
)
from kook.domain.shared.errors import ValidationFailed
from kook.entrypoints.http.api.report_exports import exported_file_response
from kook.entrypoints.http.api.request_models import XLSX, xlsx_response
from kook.entrypoints.http.context import resolve
from kook.entrypoints.http.cursors import decode_cursor, encode_cursor
from kook.entrypoints.http.session_customer import customer_of

Req = Request[Any, Any, Any]
PAGE = 50


class TransactionOut(msgspec.Struct):
    id: str
    request_id: str
    request_name: str
    mobile: str
    operator: int | None
    product: str
    package_code: str | None
    package_title: str | None
    amount: int
    status: str
    sent_at: datetime
    finished_at: datetime | None
    reference: str | None
    provider_ref: str | None


class TotalsOut(msgspec.Struct):
    count: int
    amount: int
    succeeded: int
    refunded: int


class TransactionsOut(msgspec.Struct):
    items: list[TransactionOut]
    next_cursor: str | None
    totals: TotalsOut


def transaction_out(row: TransactionRow) -> TransactionOut:
    return TransactionOut(
        id=str(row.id),
        request_id=row.request_id,
        request_name=row.request_name,
        mobile=row.mobile,
        operator=row.operator,
        product=row.product,
        package_code=row.package_code,
        package_title=row.package_title,
        amount=row.amount,
        status=row.status,
        sent_at=row.sent_at,
        finished_at=row.finished_at,
        reference=row.reference,
        provider_ref=row.provider_ref,
    )


def totals_out(totals: TransactionTotals) -> TotalsOut:
    return TotalsOut(totals.count, totals.amount, totals.succeeded, totals.refunded)


def encode_transaction_cursor(cursor: TransactionCursor) -> str:
    moment, ident = cursor
    return encode_cursor(moment, str(ident))


def decode_transaction_cursor(cursor: str | None) -> TransactionCursor | None:
    """The shared cursor (a time with its offset, then an id) whose id is a line's number."""
    found = decode_cursor(cursor)
    if found is None:
        return None
    moment, ident = found
    if not ident.isdigit() or len(ident) > 18:
        raise ValidationFailed({"cursor": "invalid"})
    return moment, int(ident)


def wants_xlsx(request: Req, format: str | None) -> bool:
    return format == "xlsx" or XLSX in request.headers.get("accept", "")


class ReportsController(Controller):
    path = "/api/v1/reports"
    tags = ["reports"]

    @get("/transactions")
    async def transactions(
        self,
        request: Req,
        start: Annotated[str | None, QueryParameter(name="from")] = None,
        end: Annotated[str | None, QueryParameter(name="to")] = None,
        status: FromQuery[str | None] = None,
        operator: FromQuery[str | None] = None,
        product: FromQuery[str | None] = None,
        package: FromQuery[str | None] = None,
        request_id: FromQuery[str | None] = None,
        mobile: FromQuery[str | None] = None,
        cursor: FromQuery[str | None] = None,
        format: FromQuery[str | None] = None,
    ) -> Response[Any]:
        """ریز تراکنش: lines sent to an operator, newest first, with the whole filter's totals.

        ``from``/``to``: days (Jalali ``1405-03-01`` or ISO ``2026-05-22``), Tehran's day, both inclusive.
        ``status``: sending, succeeded, failed, unknown. ``product``: airtime (or topup), package.
        ``mobile``: as a person types it (Persian digits, +98, no leading zero).
        ``format=xlsx`` (or ``Accept:`` the xlsx type): the whole filter as an Excel file, streamed, up to
        50,000 rows. More → 422 ``export_too_large`` with ``details`` {``rows``, ``limit``, ``export_url``}:
        a GET makes nothing, so a larger export is asked for with ``POST export_url`` (a background job).
        """
        customer_id, _, _ = await customer_of(request)
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
        return Response(TransactionsOut([transaction_out(r) for r in page.rows], next_cursor, totals_out(page.totals)))

    @get("/sales-summary")
    async def sales_summary(
        self,
        request: Req,
        start: Annotated[str | None, QueryParameter(name="from")] = None,
        end: Annotated[str | None, QueryParameter(name="to")] = None,
        format: FromQuery[str | None] = None,
    ) -> Response[Any]:
        """خلاصه سر جمع فروش: count and amount per product (top-up; each package) and per operator.

        Only **succeeded** lines are sales (``count``/``amount``); failed lines, returned to the wallet,
        are ``failed_count``/``failed_amount``; lines still sending or unknown are ``pending_*``.
        ``from``/``to``: days (Jalali or ISO), Tehran's day, both inclusive. ``format=xlsx``: the same tables.
        """
        customer_id, _, _ = await customer_of(request)
        return await sales_response(request, customer_id, start, end, format)

    @get("/payments")
    async def payments(
        self,
        request: Req,
        start: Annotated[str | None, QueryParameter(name="from")] = None,
        end: Annotated[str | None, QueryParameter(name="to")] = None,
        kind: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        cursor: FromQuery[str | None] = None,
        format: FromQuery[str | None] = None,
    ) -> Response[Any]:
        """گزارش پرداخت: online payments and deposit slips together, newest first, with the filter's totals.

        ``kind``: online, slip. ``status``: pending, verified, failed, expired, reversed (online) or
        pending, approved, rejected (slip). ``reference`` is the gateway's reference or the slip's tracking
        number; ``bank`` the gateway or Kook's account the slip was paid into. ``format=xlsx``: every row.
        """
        customer_id, _, _ = await customer_of(request)
        return await payments_response(request, customer_id, start, end, kind, status, cursor, format)


class SalesGroupOut(msgspec.Struct):
    key: str
    product: str | None
    package_code: str | None
    package_title: str | None
    operator: int | None
    count: int
    amount: int
    failed_count: int
    failed_amount: int
    pending_count: int
    pending_amount: int


class SalesSummaryOut(msgspec.Struct):
    products: list[SalesGroupOut]
    operators: list[SalesGroupOut]
    totals: SalesGroupOut


def sales_group_out(group: SalesGroup) -> SalesGroupOut:
    return SalesGroupOut(
        key=group.key,
        product=group.product,
        package_code=group.package_code,
        package_title=group.package_title,
        operator=group.operator,
        count=group.count,
        amount=group.amount,
        failed_count=group.failed_count,
        failed_amount=group.failed_amount,
        pending_count=group.pending_count,
        pending_amount=group.pending_amount,
    )


async def sales_response(
    request: Req, customer_id: str | None, start: str | None, end: str | None, format: str | None
) -> Response[Any]:
    if wants_xlsx(request, format):
        content = await (await resolve(request, ExportSalesSummary))(customer_id, start, end)
        return xlsx_response(content, "sales-summary.xlsx")
    summary = await (await resolve(request, GetSalesSummary))(customer_id, start, end)
    return Response(
        SalesSummaryOut(
            products=[sales_group_out(g) for g in summary.products],
            operators=[sales_group_out(g) for g in summary.operators],
            totals=sales_group_out(summary.total),
        )
    )


class PaymentOut(msgspec.Struct):
    id: str
    kind: str
    status: str
    amount: int
    reference: str | None
    bank: str
    card_mask: str | None
    created_at: datetime
    settled_at: datetime | None


class PaymentTotalsOut(msgspec.Struct):
    count: int
    amount: int
    settled: int
    pending: int


class PaymentsOut(msgspec.Struct):
    items: list[PaymentOut]
    next_cursor: str | None
    totals: PaymentTotalsOut


class StaffPaymentOut(PaymentOut):
    customer_id: str = ""


class StaffPaymentsOut(msgspec.Struct):
    items: list[StaffPaymentOut]
    next_cursor: str | None
    totals: PaymentTotalsOut


def payment_out(row: PaymentRow) -> PaymentOut:
    return PaymentOut(
        id=row.id,
        kind=row.kind,
        status=row.status,
        amount=row.amount,
        reference=row.reference,
        bank=row.bank,
        card_mask=row.card_mask,
        created_at=row.created_at,
        settled_at=row.settled_at,
    )


def encode_payment_cursor(cursor: PaymentCursor) -> str:
    moment, ident = cursor
    return encode_cursor(moment, ident)


def decode_payment_cursor(cursor: str | None) -> PaymentCursor | None:
    return decode_cursor(cursor)


async def payments_response(
    request: Req,
    customer_id: str | None,
    start: str | None,
    end: str | None,
    kind: str | None,
    status: str | None,
    cursor: str | None,
    format: str | None,
    *,
    staff: bool = False,
) -> Response[Any]:
    filter = payment_filter(customer_id, start, end, kind, status)
    if wants_xlsx(request, format):
        content = await (await resolve(request, ExportPayments))(filter)
        return xlsx_response(content, "payments.xlsx")
    page = await (await resolve(request, ListPayments))(filter, after=decode_payment_cursor(cursor), limit=PAGE)
    next_cursor = encode_payment_cursor(page.next_cursor) if page.next_cursor else None
    totals = PaymentTotalsOut(page.totals.count, page.totals.amount, page.totals.settled, page.totals.pending)
    if staff:
        items = [
            StaffPaymentOut(**msgspec.structs.asdict(payment_out(r)), customer_id=r.customer_id) for r in page.rows
        ]
        return Response(StaffPaymentsOut(items, next_cursor, totals))
    return Response(PaymentsOut([payment_out(r) for r in page.rows], next_cursor, totals))


class DayTotalsOut(msgspec.Struct):
    day: date
    gateway: int
    gateway_count: int
    slips: int
    slips_count: int
    money_in: int
    operators: int
    operators_count: int
    net: int


class DailyTotalsOut(msgspec.Struct):
    days: list[DayTotalsOut]
    totals: DayTotalsOut


def day_out(day: DayTotals) -> DayTotalsOut:
    return DayTotalsOut(
        day=day.day,
        gateway=day.gateway,
        gateway_count=day.gateway_count,
        slips=day.slips,
        slips_count=day.slips_count,
        money_in=day.money_in,
        operators=day.operators,
        operators_count=day.operators_count,
        net=day.net,
    )


class StaffTransactionOut(TransactionOut):
    customer_id: str = ""


class StaffTransactionsOut(msgspec.Struct):
    items: list[StaffTransactionOut]
    next_cursor: str | None
    totals: TotalsOut
