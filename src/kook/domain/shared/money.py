"""Rials: whole numbers only, typed by people and spreadsheets in any digits
with any separators. One reader for every amount in the product."""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Final, Literal

from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.domain.shared.mobile import INVISIBLE_MARKS, to_latin_digits


class AmountMissing(DomainError):
    code = "amount_missing"


class AmountNotWhole(DomainError):
    """Not a whole number of rials; ``details["reason"]``: ``not_a_number``, ``fraction``, ``negative``."""

    code = "amount_not_whole"

    def __init__(self, reason: Literal["not_a_number", "fraction", "negative"]) -> None:
        super().__init__(details={"reason": reason})
        self.reason = reason


# The largest amount a database column (64-bit integer) holds: a larger one is out of range before any bounds.
MAX_STORABLE_RIALS: Final = 2**63 - 1


# Thousands separators people and spreadsheets put in amounts: comma, Arabic
# thousands separator, Arabic comma, apostrophe, underscore, spaces.
_GROUPING: Final = frozenset(",\u066c\u060c'\u2019_ \u00a0\u2009\u202f")
_UNITS: Final = ("ریال", "ريال", "rials", "rial", "irr")
_DECIMAL: Final = re.compile(r"([0-9]+)(?:\.([0-9]*))?")
_DOTTED_THOUSANDS: Final = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3}){2,}")


def parse_rials(value: object) -> int:
    """A whole, non-negative number of rials, as forms and spreadsheets spell it.

    Raises ``AmountMissing`` (None or blank), ``AmountNotWhole`` (text that is
    not a number, a fraction, a negative number). Ranges are checked
    elsewhere (``AirtimeBounds.check``). A dot is a decimal point
    (``"200000.0"``), except in ``"1.000.000"`` (two or more groups of three).
    """
    if value is None:
        raise AmountMissing()
    if isinstance(value, bool):
        raise AmountNotWhole("not_a_number")
    if isinstance(value, int):
        if value < 0:
            raise AmountNotWhole("negative")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AmountNotWhole("not_a_number")
        if value < 0:
            raise AmountNotWhole("negative")
        if not value.is_integer():
            raise AmountNotWhole("fraction")
        return int(value)
    if isinstance(value, Decimal):
        try:
            if not value.is_finite():
                raise AmountNotWhole("not_a_number")
            if value < 0:
                raise AmountNotWhole("negative")
            if value != value.to_integral_value():
                raise AmountNotWhole("fraction")
            return int(value)
        except InvalidOperation:
            raise AmountNotWhole("not_a_number") from None
    if not isinstance(value, str):
        raise AmountNotWhole("not_a_number")
    text = "".join(ch for ch in to_latin_digits(value) if ch not in INVISIBLE_MARKS).strip().lower()
    for unit in _UNITS:
        if text.endswith(unit):
            text = text[: -len(unit)].strip()
            break
    if not text:
        raise AmountMissing()
    text = text.replace("\u066b", ".")  # the Persian decimal separator
    if text.startswith(("-", "\u2212")):
        raise AmountNotWhole("negative")
    if text.startswith("+"):
        text = text[1:]
    if not text[:1].isdigit():
        raise AmountNotWhole("not_a_number")
    compact = "".join(ch for ch in text if ch not in _GROUPING)
    if _DOTTED_THOUSANDS.fullmatch(compact):
        compact = compact.replace(".", "")
    match = _DECIMAL.fullmatch(compact)
    if match is None:
        raise AmountNotWhole("not_a_number")
    whole, fraction = match.group(1), match.group(2) or ""
    if fraction.strip("0"):
        raise AmountNotWhole("fraction")
    if len(whole) > 15:
        raise AmountNotWhole("not_a_number")
    return int(whole)


def parse_amount_field(value: object, field: str = "amount") -> int:
    """``parse_rials`` for a form or JSON field: a positive amount, or
    ``ValidationFailed`` naming the field (amount_missing / amount_not_whole)."""
    try:
        number = parse_rials(value)
    except DomainError as exc:
        raise ValidationFailed({field: exc.code}) from None
    if number <= 0:
        raise ValidationFailed({field: "amount_not_whole"})
    return number
