"""A report's period as typed: ``from``/``to`` days (Jalali ``1405-03-01`` or ISO ``2026-05-22``,
Persian digits too), each Tehran's whole day, both inclusive. Shared by every report."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Final

from kook.domain.shared.errors import ValidationFailed
from kook.domain.shared.jalali import TEHRAN, parse_date

# A report covers at most this many days: a wider question is better asked as the sales summary.
MAX_RANGE_DAYS: Final = 3 * 366


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _day(text: str, field: str, errors: dict[str, str]) -> date | None:
    day = parse_date(text)
    if day is None:
        errors[field] = "date_invalid"
    return day


def tehran_midnight(day: date) -> datetime:
    """The first instant of ``day`` in Tehran (timezone-aware)."""
    return datetime.combine(day, time(0), TEHRAN)


def parse_period(start: str | None, end: str | None, errors: dict[str, str]) -> tuple[datetime | None, datetime | None]:
    """``[start, end)`` as instants (Tehran midnights); a bad field is added to ``errors`` as
    ``from``/``to`` with ``date_invalid``, ``before_start`` or ``range_too_long``."""
    first = last = None
    if text := _text(start):
        first = _day(text, "from", errors)
    if text := _text(end):
        last = _day(text, "to", errors)
    begin = tehran_midnight(first) if first is not None else None
    finish = tehran_midnight(last + timedelta(days=1)) if last is not None else None
    if begin is not None and finish is not None:
        if finish <= begin:
            errors["to"] = "before_start"
        elif (finish - begin).days > MAX_RANGE_DAYS:
            errors["to"] = "range_too_long"
    return begin, finish


_MAX_ID: Final = 32


def staff_customer(value: str | None) -> str | None:
    """Staff's customer filter (a customer's id) checked, or ``ValidationFailed`` naming ``customer``."""
    text = _text(value)
    if text is None:
        return None
    if len(text) > _MAX_ID or not text.isascii() or not text.replace("-", "").replace("_", "").isalnum():
        raise ValidationFailed({"customer": "invalid"})
    return text
