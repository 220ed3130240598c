"""Iranian identifiers on the customer form (SPEC §3), each with the published rule.

Every checker takes what a person typed — Latin, Persian (۰–۹) or Arabic-Indic
(٠–٩) digits, with spaces, dashes or direction marks from copy-paste — and
returns the canonical Latin-digit spelling, or raises ``IdentifierInvalid``
whose ``code`` is the stable field code of API.md.

* National code (کد ملی): 10 digits; 8 or 9 digits are zero-padded on the left
  first. With d0..d9, s = Σ d_i·(10−i) for i = 0..8 and r = s mod 11, it is
  valid iff (r < 2 and d9 = r) or (r ≥ 2 and d9 = 11 − r). A code of one
  repeated digit is refused even when its check digit fits.
* Legal national ID (شناسه ملی): 11 digits. With c = d9 + 2 and weights
  w = 29, 27, 23, 19, 17, 29, 27, 23, 19, 17: s = Σ (d_i + c)·w_i for i = 0..9,
  r = s mod 11 (10 counts as 0); valid iff d10 = r.
* Postal code: 10 digits, not starting with 0 or 2, the fifth digit not 2,
  not one repeated digit.
* Landline: area code and number, 11 digits starting with 0 and not 09.
* Economic code: 12 digits; a company's 11-digit national ID is accepted too
  (the new tax system uses it as the economic code).
"""

from __future__ import annotations

from typing import Final

from kook.domain.shared.errors import DomainError
from kook.domain.shared.mobile import INVISIBLE_MARKS, to_latin_digits

_SEPARATORS: Final = frozenset(" -_.\u2010\u2011\u2012\u2013\u2014\u2212/")
_LEGAL_ID_WEIGHTS: Final = (29, 27, 23, 19, 17, 29, 27, 23, 19, 17)


class IdentifierInvalid(DomainError):
    """``code`` names the rule's field code: ``national_code_invalid``, ``legal_id_invalid``, …"""


def digits_only(value: str) -> str | None:
    """The digits of ``value`` in Latin, separators and marks dropped; None if anything else is in it."""
    text = "".join(
        ch for ch in to_latin_digits(value) if not ch.isspace() and ch not in _SEPARATORS and ch not in INVISIBLE_MARKS
    )
    if not text or not text.isascii() or not text.isdigit():
        return None
    return text


def national_code_check_digit(first_nine: str) -> int:
    s = sum(int(d) * (10 - i) for i, d in enumerate(first_nine))
    r = s % 11
    return r if r < 2 else 11 - r


def legal_id_check_digit(first_ten: str) -> int:
    c = int(first_ten[9]) + 2
    s = sum((int(d) + c) * w for d, w in zip(first_ten, _LEGAL_ID_WEIGHTS, strict=True))
    r = s % 11
    return 0 if r == 10 else r


def _repeated(digits: str) -> bool:
    return len(set(digits)) == 1


def check_national_code(value: str) -> str:
    digits = digits_only(value)
    if digits is None or not 8 <= len(digits) <= 10:
        raise IdentifierInvalid("national_code_invalid")
    digits = digits.zfill(10)
    if _repeated(digits) or int(digits[9]) != national_code_check_digit(digits[:9]):
        raise IdentifierInvalid("national_code_invalid")
    return digits


def check_legal_id(value: str) -> str:
    digits = digits_only(value)
    if digits is None or len(digits) != 11 or int(digits[10]) != legal_id_check_digit(digits[:10]):
        raise IdentifierInvalid("legal_id_invalid")
    return digits


def is_valid_legal_id(value: str) -> bool:
    try:
        check_legal_id(value)
    except IdentifierInvalid:
        return False
    return True


def check_postal_code(value: str) -> str:
    digits = digits_only(value)
    if digits is None or len(digits) != 10 or digits[0] in "02" or digits[4] == "2" or _repeated(digits):
        raise IdentifierInvalid("postal_code_invalid")
    return digits


def check_landline(value: str) -> str:
    text = to_latin_digits(value).strip()
    international = text.startswith("+")
    digits = digits_only(text.lstrip("+").replace("(", "").replace(")", ""))
    if digits is not None:
        if international and digits.startswith("98"):
            digits = "0" + digits[2:]
        elif digits.startswith("0098"):
            digits = "0" + digits[4:]
    if digits is None or len(digits) != 11 or digits[0] != "0" or digits[1] in "09":
        raise IdentifierInvalid("phone_invalid")
    return digits


def check_economic_code(value: str) -> str:
    digits = digits_only(value)
    if digits is not None and (len(digits) == 12 or (len(digits) == 11 and is_valid_legal_id(digits))):
        return digits
    raise IdentifierInvalid("economic_code_invalid")


def check_registration_number(value: str) -> str:
    digits = digits_only(value)
    if digits is None or len(digits) > 20:
        raise IdentifierInvalid("registration_number_invalid")
    return digits
