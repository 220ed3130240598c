"""JSON API of the reports (API.md "Reports"): ریز تراکنش, a page or the whole filter as ``.xlsx``;
خلاصه سر جمع فروش; گزارش پرداخت; and the same across customers for staff, with finance's daily totals."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Stream
from litestar.status_codes import HTTP_202_ACCEPTED

from kook.application.reporting.download_export import DownloadExport
from kook.application.reporting.export_payments import ExportPayments
from kook.application.reporting.export_sales_summary import ExportSalesSummary
from kook.application.reporting.export_transactions import ExportedFile, ExportTransactions
from kook.application.reporting.get_daily_totals import GetDailyTotals
from kook.application.reporting.get_export_status import GetExportStatus
from kook.application.reporting.get_sales_summary import GetSalesSummary
from kook.application.reporting.list_payments import ListPayments
from kook.application.reporting.list_transactions import ListTransactions
from kook.application.reporting.payment_filters import payment_filter
from kook.application.reporting.period import staff_customer
from kook.application.reporting.ports import (
    DayTotals,
    PaymentCursor,
    PaymentRow,
    ReportExport,
    SalesGroup,
    TransactionCursor,
    TransactionQuery,
    TransactionRow,
    TransactionTotals,
)
from kook.application.reporting.start_transaction_export import StartTransactionExport
from kook.domain.identity.staff import StaffRole
from kook.domain.shared.errors import ValidationFailed
from kook.entrypoints.http.api.requests import XLSX, xlsx_response
from kook.entrypoints.http.api.wallet import customer_of
from kook.entrypoints.http.context import require_staff, resolve
from kook.entrypoints.http.cursors import decode_cursor, encode_cursor

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
    async def daily_totals(
        self,
        request: Req,
        start: Annotated[str | None, QueryParameter(name="from")] = None,
        end: Annotated[str | None, QueryParameter(name="to")] = None,
        customer: FromQuery[str | None] = None,
    ) -> DailyTotalsOut:
        """Money in (gateway: verified payments by day verified; slips: approved by day approved) and money
        out (operators: succeeded lines by day finished) per Tehran day, newest first, days without money
        left out. Without ``from``/``to``: the last 31 days. At most 366 days."""
        await require_staff(request, StaffRole.FINANCE)
        result = await (await resolve(request, GetDailyTotals))(start, end, staff_customer(customer))
        return DailyTotalsOut([day_out(d) for d in result.days], day_out(result.total))


class StaffTransactionOut(TransactionOut):
    customer_id: str = ""


class StaffTransactionsOut(msgspec.Struct):
    items: list[StaffTransactionOut]
    next_cursor: str | None
    totals: TotalsOut


# --- exports: a file streamed at once (up to 50,000 rows), or made in the background and kept a day ---------

_CHUNK = 256 * 1024


async def _file_chunks(path: str, *, remove: bool) -> AsyncIterator[bytes]:
    handle = await asyncio.to_thread(open, path, "rb")
    try:
        while chunk := await asyncio.to_thread(handle.read, _CHUNK):
            yield chunk
    finally:
        await asyncio.to_thread(handle.close)
        if remove:
            await asyncio.to_thread(_unlink, path)


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def xlsx_file_response(path: str, filename: str, *, remove: bool) -> Stream:
    """The file streamed in chunks (never whole in memory); ``remove``: deleted once sent (or abandoned)."""
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
        "Content-Length": str(os.path.getsize(path)),
    }
    return Stream(_file_chunks(path, remove=remove), media_type=XLSX, headers=headers)


def exported_file_response(exported: ExportedFile, filename: str) -> Stream:
    return xlsx_file_response(exported.path, filename, remove=True)


class TransactionFilterIn(msgspec.Struct, forbid_unknown_fields=True):
    start: str | None = msgspec.field(default=None, name="from")
    end: str | None = msgspec.field(default=None, name="to")
    status: str | None = None
    operator: str | None = None
    product: str | None = None
    package: str | None = None
    request_id: str | None = None
    mobile: str | None = None

    def query(self) -> TransactionQuery:
        return TransactionQuery(
            start=self.start,
            end=self.end,
            status=self.status,
            operator=self.operator,
            product=self.product,
            package_code=self.package,
            request_id=self.request_id,
            mobile=self.mobile,
        )


class ExportIn(msgspec.Struct, forbid_unknown_fields=True):
    filter: TransactionFilterIn = msgspec.field(default_factory=TransactionFilterIn)


class ExportOut(msgspec.Struct):
    id: str
    status: str  # queued | running | done | failed
    rows_total: int
    rows_done: int
    percent: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime
    file_url: str | None  # when done
    error: str | None


def export_out(export: ReportExport) -> ExportOut:
    return ExportOut(
        id=export.id,
        status=export.status,
        rows_total=export.rows_total,
        rows_done=export.rows_done,
        percent=export.percent,
        created_at=export.created_at,
        started_at=export.started_at,
        finished_at=export.finished_at,
        expires_at=export.expires_at,
        file_url=f"/api/v1/reports/exports/{export.id}/file" if export.status == "done" else None,
        error=export.error,
    )


class ReportExportsController(Controller):
    path = "/api/v1/reports"
    tags = ["reports"]

    @post("/transactions/exports", status_code=HTTP_202_ACCEPTED)
    async def start_transactions_export(self, request: Req, data: JSONBody[ExportIn]) -> ExportOut:
        """ریز تراکنش as an Excel file made in the background, any size: 202 with the export's ``id`` and
        ``status``. Body: ``{"filter": {from, to, status, operator, product, package, request_id, mobile}}``
        (as the GET's query; a bad filter → 422 ``validation_error`` and nothing is queued). Follow it with
        ``GET /api/v1/reports/exports/{id}``; the file is kept for a day, for its owner only."""
        customer_id, user_id, _ = await customer_of(request)
        export = await (await resolve(request, StartTransactionExport))(user_id, customer_id, data.filter.query())
        return export_out(export)

    @get("/exports/{export_id:str}")
    async def export_status(self, request: Req, export_id: FromPath[str]) -> ExportOut:
        """A background export's status and progress (rows done of rows total); 404 ``export_not_found``
        for anyone but the person who asked for it, and once it expired."""
        _, user_id, _ = await customer_of(request)
        return export_out(await (await resolve(request, GetExportStatus))(user_id, export_id))

    @get("/exports/{export_id:str}/file")
    async def export_file(self, request: Req, export_id: FromPath[str]) -> Stream:
        """The finished export's ``.xlsx``, streamed; 404 ``export_not_found`` until it is done, after it
        expired, and for anyone but its owner."""
        _, user_id, _ = await customer_of(request)
        path, _export = await (await resolve(request, DownloadExport))(user_id, export_id)
        return xlsx_file_response(path, "transactions.xlsx", remove=False)
