"""JSON API of the reports (API.md "Reports"): ریز تراکنش, a page or the whole filter as ``.xlsx``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import FromQuery, QueryParameter

from kook.application.reporting.export_transactions import ExportTransactions
from kook.application.reporting.list_transactions import ListTransactions, TransactionQuery
from kook.application.reporting.ports import TransactionCursor, TransactionRow, TransactionTotals
from kook.domain.shared.errors import ValidationFailed
from kook.entrypoints.http.api.requests import XLSX, xlsx_response
from kook.entrypoints.http.api.wallet import customer_of
from kook.entrypoints.http.context import resolve
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
        ``format=xlsx`` (or ``Accept:`` the xlsx type): the whole filter as an Excel file
        (up to 50,000 rows; more → 422 ``export_too_large``).
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
            content = await (await resolve(request, ExportTransactions))(customer_id, query)
            return xlsx_response(content, "transactions.xlsx")
        page = await (await resolve(request, ListTransactions))(
            customer_id, query, after=decode_transaction_cursor(cursor), limit=PAGE
        )
        next_cursor = encode_transaction_cursor(page.next_cursor) if page.next_cursor else None
        return Response(TransactionsOut([transaction_out(r) for r in page.rows], next_cursor, totals_out(page.totals)))
