"""Rials: whole numbers only, typed by people in any digits with any separators."""

from __future__ import annotations

import re

from kook.domain.shared.errors import ValidationFailed
from kook.domain.shared.mobile import to_latin_digits

_SEPARATORS = re.compile(r"[\s,٬،'’_]")


def parse_rials(value: object, field: str = "amount") -> int:
    """``1,250,000``, ``۱٬۲۵۰٬۰۰۰``, ``1250000`` or ``1250000.0`` → 1250000.

    Anything that is not a whole, positive number of rials is refused.
    """
    if isinstance(value, bool):
        raise ValidationFailed({field: "amount_not_whole"})
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValidationFailed({field: "amount_not_whole"})
        number = int(value)
    elif isinstance(value, str):
        text = _SEPARATORS.sub("", to_latin_digits(value.strip())).replace("٫", ".")
        if re.fullmatch(r"\d+(\.0+)?", text) is None or len(text) > 24:
            raise ValidationFailed({field: "amount_not_whole"})
        number = int(text.split(".")[0])
    else:
        raise ValidationFailed({field: "amount_not_whole"})
    if number <= 0:
        raise ValidationFailed({field: "amount_not_whole"})
    return number
