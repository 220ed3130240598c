"""Iranian Sheba numbers (the IBAN of Iranian bank accounts, ISO 13616).

One canonical spelling: ``IR`` followed by 24 Latin digits, e.g.
``IR640120020000005558740184``. ``normalize_sheba`` accepts what people and
printed material produce — Persian (۰–۹) or Arabic-Indic (٠–٩) digits, spaces,
dashes, lower-case ``ir``, the manual's ``IR-64…`` spelling, direction marks
left by copy-paste from right-to-left text — and returns the canonical form,
or raises ``ShebaInvalid`` (code ``sheba_invalid``) with a reason:

* ``format`` — not ``IR`` + 24 digits once the separators are gone;
* ``checksum`` — the ISO 13616 mod-97 check fails (a mistyped digit).
"""

from __future__ import annotations

import re
from typing import Final, Literal

from kook.domain.shared.errors import DomainError
from kook.domain.shared.mobile import to_latin_digits

ShebaInvalidReason = Literal["format", "checksum"]


class ShebaInvalid(DomainError):
    """The value is not a valid Iranian Sheba number; ``details["reason"]`` says why."""

    code = "sheba_invalid"

    def __init__(self, reason: ShebaInvalidReason) -> None:
        super().__init__(details={"reason": reason})
        self.reason: ShebaInvalidReason = reason


SHEBA_LENGTH: Final = 26  # "IR" + 2 check digits + 22 digits of the account (BBAN)

_SHEBA: Final = re.compile(r"IR[0-9]{24}")

# Removed before the check: whitespace (via str.isspace), dashes, and the
# invisible marks that right-to-left copy-paste leaves around digits.
_DROPPED: Final = frozenset(
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"  # hyphen, dashes, minus sign
    "\u061c\u200b\u200c\u200d\u200e\u200f"  # ALM, zero-width space/(non-)joiner, LRM, RLM
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"  # embeddings, isolates, BOM
)


def normalize_sheba(text: str) -> str:
    """Return ``text`` as ``IR`` + 24 Latin digits, or raise ``ShebaInvalid``."""
    if not isinstance(text, str):
        raise ShebaInvalid("format")
    compact = "".join(ch for ch in to_latin_digits(text) if not ch.isspace() and ch not in _DROPPED)
    compact = compact.upper()
    if _SHEBA.fullmatch(compact) is None:
        raise ShebaInvalid("format")
    if _mod97(compact) != 1:
        raise ShebaInvalid("checksum")
    return compact


def is_valid_sheba(text: str) -> bool:
    """True when ``normalize_sheba(text)`` would succeed."""
    try:
        normalize_sheba(text)
    except ShebaInvalid:
        return False
    return True


def _mod97(sheba: str) -> int:
    """ISO 13616: move the country code and check digits to the end, letters to
    numbers (A=10 … Z=35), and take the remainder of the whole number by 97."""
    rearranged = sheba[4:] + sheba[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97
