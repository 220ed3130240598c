"""ریز تراکنش: the customer's transactions, filtered, a page at a time, with the filter's totals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from kook.application.reporting.period import parse_period
from kook.application.reporting.ports import (
    TRANSACTION_STATUSES,
    TransactionCursor,
    TransactionFilter,
    TransactionQuery,
    TransactionReader,
    TransactionRow,
    TransactionTotals,
)
from kook.domain.routing.operator import OperatorCodeInvalid, parse_optional_operator
from kook.domain.shared.errors import ValidationFailed
from kook.domain.shared.mobile import MobileInvalid, normalize_mobile

MAX_PAGE: Final = 200


_PRODUCTS: Final = {"airtime": "airtime", "topup": "airtime", "package": "package"}


_MAX_TEXT: Final = 64


@dataclass(frozen=True, slots=True)
class TransactionPage:
    rows: list[TransactionRow]
    next_cursor: TransactionCursor | None
    totals: TransactionTotals
    filter: TransactionFilter


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def transaction_filter(query: TransactionQuery, customer_id: str | None) -> TransactionFilter:
    """The query checked and normalised, or ``ValidationFailed`` naming every bad field."""
    errors: dict[str, str] = {}
    start, end = parse_period(query.start, query.end, errors)
    status = _text(query.status)
    if status is not None and status not in TRANSACTION_STATUSES:
        errors["status"] = "invalid"
    operator = None
    try:
        found = parse_optional_operator(_text(query.operator))
        operator = int(found) if found is not None else None
    except OperatorCodeInvalid:
        errors["operator"] = "operator_code_invalid"
    product = None
    if text := _text(query.product):
        product = _PRODUCTS.get(text.lower())
        if product is None:
            errors["product"] = "invalid"
    mobile = None
    if text := _text(query.mobile):
        try:
            mobile = normalize_mobile(text)
        except MobileInvalid:
            errors["mobile"] = "mobile_invalid"
    package_code = _text(query.package_code)
    request_id = _text(query.request_id)
    for name, value in (("package", package_code), ("request_id", request_id)):
        if value is not None and (len(value) > _MAX_TEXT or not value.isprintable()):
            errors[name] = "invalid"
    if errors:
        raise ValidationFailed(errors)
    return TransactionFilter(
        customer_id=customer_id,
        start=start,
        end=end,
        status=status,
        operator=operator,
        product=product,
        package_code=package_code,
        request_id=request_id,
        mobile=mobile,
    )


class ListTransactions:
    """A page of the customer's transactions, newest first, with the whole filter's totals.

    ``customer_id`` None is staff looking across customers (the caller checks the role).
    """

    def __init__(self, reader: TransactionReader) -> None:
        self._reader = reader

    async def __call__(
        self,
        customer_id: str | None,
        query: TransactionQuery,
        *,
        after: TransactionCursor | None = None,
        limit: int = 50,
    ) -> TransactionPage:
        filter = transaction_filter(query, customer_id)
        size = max(1, min(limit, MAX_PAGE))
        rows = await self._reader.page(filter, after, size + 1)
        totals = await self._reader.totals(filter)
        page = rows[:size]
        next_cursor = page[-1].cursor if len(rows) > size else None
        return TransactionPage(page, next_cursor, totals, filter)
