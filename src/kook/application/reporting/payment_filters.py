"""The payments report's filter, read from a query (shared by the list and the export)."""

from __future__ import annotations

from typing import Final

from kook.application.reporting.period import parse_period
from kook.application.reporting.ports import PaymentFilter
from kook.domain.shared.errors import ValidationFailed

PAYMENT_KINDS: Final = ("online", "slip")


ONLINE_STATUSES: Final = ("pending", "verified", "failed", "expired", "reversed")


SLIP_STATUSES: Final = ("pending", "approved", "rejected")


PAYMENT_STATUSES: Final = tuple(dict.fromkeys(ONLINE_STATUSES + SLIP_STATUSES))


def _text(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value or None


def payment_filter(
    customer_id: str | None, start: str | None, end: str | None, kind: str | None, status: str | None
) -> PaymentFilter:
    errors: dict[str, str] = {}
    begin, finish = parse_period(start, end, errors)
    kind = _text(kind)
    if kind is not None and kind not in PAYMENT_KINDS:
        errors["kind"] = "invalid"
    status = _text(status)
    allowed = {"online": ONLINE_STATUSES, "slip": SLIP_STATUSES}.get(kind or "", PAYMENT_STATUSES)
    if status is not None and status not in allowed:
        errors["status"] = "invalid"
    if errors:
        raise ValidationFailed(errors)
    return PaymentFilter(customer_id, begin, finish, kind, status)
