"""The mobile operators Kook sells for, and their codes in customers' files (SPEC §6).

The manual's codes are 1 Hamrah-e Aval, 2 Irancell, 3 Rightel, 5 Shatel
Mobile; every other code is ``operator_code_invalid``. People and spreadsheets
write a code in many ways, and ``parse_operator`` accepts the sensible ones:

* an ``int`` (``2``), a whole ``float`` or ``Decimal`` from a numeric cell
  (``2.0``);
* text with Latin, Persian or Arabic-Indic digits (``"2"``, ``"۲"``, ``"٢"``,
  ``"2.0"``, ``" ۲ "``);
* the operator's name in Persian or English, in any case, with or without
  spaces, dashes or the zero-width non-joiner (``"همراه اول"``,
  ``"همراه‌اول"``, ``"MCI"``, ``"Hamrah-e Aval"``, ``"ایرانسل"``,
  ``"MTN Irancell"``, ``"رایتل"``, ``"Shatel Mobile"``); Arabic letter forms
  (``ي``, ``ك``) count as their Persian twins.

Outside providers number operators differently; that mapping belongs to each
route (``operator_routing.Route.operator_codes``), never to this module.
"""

from __future__ import annotations

import enum
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Final

from kook.domain.shared.errors import DomainError
from kook.domain.shared.mobile import INVISIBLE_MARKS, to_latin_digits


class OperatorCodeInvalid(DomainError):
    """The value names no operator of the manual; ``details["value"]`` echoes it (shortened)."""

    code = "operator_code_invalid"

    def __init__(self, value: object) -> None:
        super().__init__(details={"value": str(value)[:40]})


class Operator(enum.IntEnum):
    """An operator, valued by its code in the manual."""

    MCI = 1
    IRANCELL = 2
    RIGHTEL = 3
    SHATEL = 5

    @property
    def name_fa(self) -> str:
        return _NAMES_FA[self]

    @property
    def name_en(self) -> str:
        return _NAMES_EN[self]

    @property
    def slug(self) -> str:
        """A short Latin tag (package codes, route names): ``mci``, ``mtn``, ``rtl``, ``sht``."""
        return _SLUGS[self]


_NAMES_FA: Final = {
    Operator.MCI: "همراه اول",
    Operator.IRANCELL: "ایرانسل",
    Operator.RIGHTEL: "رایتل",
    Operator.SHATEL: "شاتل",
}
_NAMES_EN: Final = {
    Operator.MCI: "Hamrah-e Aval",
    Operator.IRANCELL: "Irancell",
    Operator.RIGHTEL: "Rightel",
    Operator.SHATEL: "Shatel Mobile",
}
_SLUGS: Final = {Operator.MCI: "mci", Operator.IRANCELL: "mtn", Operator.RIGHTEL: "rtl", Operator.SHATEL: "sht"}

_DROPPED: Final = frozenset(
    " \t\n\r\u00a0\u2009\u202f"  # spaces
    "-_.,'\"()[]{}/\\"  # punctuation people put in names
    "\u200b\u200c\u200d\u200e\u200f\u061c\u2060\ufeff"  # ZW(N)J, direction marks, BOM
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_LETTERS: Final = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "أ": "ا", "إ": "ا", "آ": "ا"})
# A code as digits, possibly a numeric cell's "2.0" (Persian decimal separator too).
_NUMBER: Final = re.compile(r"([0-9]{1,6})(?:[.\u066b]0*)?")


def _fold(text: str) -> str:
    return "".join(ch for ch in to_latin_digits(text).translate(_LETTERS).lower() if ch not in _DROPPED)


def _build_aliases() -> dict[str, Operator]:
    spellings: dict[Operator, tuple[str, ...]] = {
        Operator.MCI: (
            "همراه اول",
            "همراه",
            "همراه اول ایران",
            "mci",
            "ir-mci",
            "hamrah aval",
            "hamrah-e aval",
            "hamrahe aval",
            "hamrah-e avval",
            "hamrah avval",
            "hamrah e aval",
            "hamrah-e-aval",
            "mobile communication company of iran",
        ),
        Operator.IRANCELL: ("ایرانسل", "ایران سل", "mtn", "mtn irancell", "irancell", "iran cell"),
        Operator.RIGHTEL: ("رایتل", "رای تل", "rightel", "right tel"),
        Operator.SHATEL: ("شاتل", "شاتل موبایل", "shatel", "shatel mobile"),
    }
    aliases: dict[str, Operator] = {}
    for operator, names in spellings.items():
        for name in (*names, operator.name_fa, operator.name_en):
            aliases[_fold(name)] = operator
    return aliases


_ALIASES: Final = _build_aliases()


def operator_from_code(code: int) -> Operator:
    """The operator whose manual code is ``code``, or ``OperatorCodeInvalid``."""
    try:
        return Operator(code)
    except ValueError:
        raise OperatorCodeInvalid(code) from None


def parse_operator(value: object) -> Operator:
    """A code or a name, as people and spreadsheets write it (see the module's text)."""
    result = parse_optional_operator(value)
    if result is None:
        raise OperatorCodeInvalid(value)
    return result


def parse_optional_operator(value: object) -> Operator | None:
    """Like ``parse_operator``, but ``None`` and blank text mean "not given" (``None``)."""
    if value is None:
        return None
    if isinstance(value, Operator):
        return value
    if isinstance(value, bool):
        raise OperatorCodeInvalid(value)
    if isinstance(value, int):
        return operator_from_code(value)
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise OperatorCodeInvalid(value)
        return operator_from_code(int(value))
    if isinstance(value, Decimal):
        try:
            if not value.is_finite() or value != value.to_integral_value():
                raise OperatorCodeInvalid(value)
            return operator_from_code(int(value))
        except InvalidOperation:
            raise OperatorCodeInvalid(value) from None
    if not isinstance(value, str):
        raise OperatorCodeInvalid(value)
    compact = "".join(ch for ch in to_latin_digits(value) if not ch.isspace() and ch not in INVISIBLE_MARKS)
    if not compact:
        return None
    number = _NUMBER.fullmatch(compact)
    if number is not None:
        return operator_from_code(int(number.group(1)))
    found = _ALIASES.get(_fold(value))
    if found is None:
        raise OperatorCodeInvalid(value)
    return found
