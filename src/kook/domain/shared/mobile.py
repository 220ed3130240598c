"""Iranian mobile numbers: one canonical spelling, ``09XXXXXXXXX`` (SPEC §6.1).

``normalize_mobile`` accepts the spellings people and spreadsheets produce and
returns 11 Latin digits, or raises ``MobileInvalid`` with a stable reason:

* ``empty`` — nothing but whitespace / invisible marks (or ``None``);
* ``not_a_number`` — letters or other characters, a negative or fractional
  number, NaN/inf, a ``bool``, an unsupported type;
* ``foreign`` — a country code other than +98 (``+44…``, ``0044…``), or a
  ``+`` that is not leading;
* ``landline`` — ``0`` + 10 digits whose area code is not ``9`` (``021…``);
* ``not_mobile`` — ``0`` + 10 digits that is neither a mobile nor an area
  code (``00…`` after a +98 prefix);
* ``wrong_length`` — anything else with the wrong number of digits.

Operator prefixes are not checked here; the routing table does that (§6.2).

One deliberate choice: a string that reads as a decimal number — digits
without a leading zero, one dot (or the Persian decimal separator ``٫``),
digits, nothing else — is a spreadsheet number cell, never a dot-separated
spelling. ``"9121234567.0"`` is accepted, ``"9121234567.5"`` is
``not_a_number``, and ``"912123456.0"`` is ``wrong_length`` rather than a guess
at ``09121234560`` (a wrong guess would top up someone else's number).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Final, Literal

from kook.domain.shared.errors import DomainError

MobileInvalidReason = Literal["empty", "not_a_number", "wrong_length", "landline", "foreign", "not_mobile"]


class MobileInvalid(DomainError):
    """The value is not an Iranian mobile number; ``details["reason"]`` says why."""

    code = "mobile_invalid"

    def __init__(self, reason: MobileInvalidReason) -> None:
        super().__init__(details={"reason": reason})
        self.reason: MobileInvalidReason = reason


_PERSIAN_DIGITS: Final = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_INDIC_DIGITS: Final = "٠١٢٣٤٥٦٧٨٩"
_LATIN_DIGITS: Final = "0123456789"
_TO_LATIN: Final = str.maketrans(_PERSIAN_DIGITS + _ARABIC_INDIC_DIGITS, _LATIN_DIGITS + _LATIN_DIGITS)

# Direction marks, zero-width characters and the BOM that copy-paste from
# right-to-left text leaves around digits. Whitespace (NBSP included) is
# removed separately via ``str.isspace``.
# Direction marks and zero-width characters that copy-paste and RTL editors
# leave around numbers; every reader of typed numbers ignores them.
INVISIBLE_MARKS: Final = frozenset(
    "\u061c"  # Arabic letter mark
    "\u200b\u200c\u200d\u200e\u200f"  # zero-width space/non-joiner/joiner, LRM, RLM
    "\u202a\u202b\u202c\u202d\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2060"  # word joiner
    "\u2066\u2067\u2068\u2069"  # LRI, RLI, FSI, PDI
    "\ufeff"  # BOM / zero-width no-break space
)

# Visible separators allowed between digits.
_SEPARATORS: Final = frozenset(
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"  # hyphen, dashes, minus sign
    "."
    "()[]{}"
)

_NUMERIC_CELL: Final = re.compile(r"([1-9][0-9]*)[.\u066b]([0-9]+)")
_MOBILE: Final = re.compile(r"09[0-9]{9}")
_COUNTRY_CODE: Final = "98"
_TEN_DIGITS_FROM_NINE: Final = 9_000_000_000  # 9XXXXXXXXX: a mobile number without its leading zero
_ELEVEN_DIGITS: Final = 10_000_000_000


def to_latin_digits(text: str) -> str:
    """Persian (۰–۹) and Arabic-Indic (٠–٩) digits to Latin; other characters stay."""
    return text.translate(_TO_LATIN)


def is_normalized_mobile(value: str) -> bool:
    """True when ``value`` is exactly ``09`` followed by 9 Latin digits."""
    return isinstance(value, str) and _MOBILE.fullmatch(value) is not None


def normalize_mobile(value: object) -> str:
    """Return ``value`` as ``09XXXXXXXXX`` or raise ``MobileInvalid``."""
    # The common cells first (an upload has 100,000 of them), with the answer the general path gives:
    # text that is already 11 Latin digits "09…", or a number cell that lost its leading zero.
    if type(value) is str:
        if len(value) == 11 and value.startswith("09") and value.isascii() and value.isdigit():
            return value
    elif type(value) is int:
        if _TEN_DIGITS_FROM_NINE <= value < _ELEVEN_DIGITS:
            return "0" + str(value)
    elif type(value) is float and _TEN_DIGITS_FROM_NINE <= value < _ELEVEN_DIGITS and value.is_integer():
        return "0" + str(int(value))
    return _from_digits(_digits_of(value))


def _digits_of(value: object) -> str:
    """The digits (and a possible leading ``+``) the value spells."""
    if value is None:
        raise MobileInvalid("empty")
    if isinstance(value, bool):
        raise MobileInvalid("not_a_number")
    if isinstance(value, int):
        if value < 0:
            raise MobileInvalid("not_a_number")
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value) or value < 0 or not value.is_integer():
            raise MobileInvalid("not_a_number")
        return str(int(value))
    if isinstance(value, Decimal):
        if not value.is_finite() or value < 0 or value != value.to_integral_value():
            raise MobileInvalid("not_a_number")
        return str(int(value))
    if not isinstance(value, str):
        raise MobileInvalid("not_a_number")

    text = "".join(ch for ch in to_latin_digits(value) if not ch.isspace() and ch not in INVISIBLE_MARKS)
    if not text:
        raise MobileInvalid("empty")
    cell = _NUMERIC_CELL.fullmatch(text)
    if cell is not None:
        if cell.group(2).strip("0"):
            raise MobileInvalid("not_a_number")
        return cell.group(1)
    text = "".join(ch for ch in text if ch not in _SEPARATORS)
    if not text or any(ch != "+" and ch not in _LATIN_DIGITS for ch in text):
        raise MobileInvalid("not_a_number")
    if "+" in text[1:]:
        raise MobileInvalid("foreign")
    if text == "+":
        raise MobileInvalid("not_a_number")
    return text


def _from_digits(text: str) -> str:
    if text.startswith("+"):
        return _after_country_code(text[1:])
    if text.startswith("00"):
        return _after_country_code(text[2:])
    if text.startswith(_COUNTRY_CODE) and len(text) == 12:
        return _national("0" + text[2:])
    if text.startswith(_COUNTRY_CODE + "0") and len(text) == 13:
        return _national(text[2:])
    if text.startswith("0"):
        return _national(text)
    # Spreadsheets drop the leading zero of a number cell.
    return _national("0" + text)


def _after_country_code(text: str) -> str:
    """``text`` follows an international prefix (``+`` or ``00``)."""
    if not text.startswith(_COUNTRY_CODE):
        if _COUNTRY_CODE.startswith(text):  # "", "9": cut short, not another country
            raise MobileInvalid("wrong_length")
        raise MobileInvalid("foreign")
    rest = text[len(_COUNTRY_CODE) :]
    if not rest:
        raise MobileInvalid("wrong_length")
    # "+98 0912…" carries a redundant trunk zero; keep it as the national zero.
    return _national(rest if rest.startswith("0") else "0" + rest)


def _national(number: str) -> str:
    """``number`` is a national spelling starting with the trunk zero."""
    if len(number) != 11:
        raise MobileInvalid("wrong_length")
    if number[1] == "9":
        return number
    if number[1] == "0":
        raise MobileInvalid("not_mobile")
    raise MobileInvalid("landline")
