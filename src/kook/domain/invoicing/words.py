"""Amounts in Persian words, as an invoice writes its total: «یک میلیون و دویست هزار».

Groups of three digits are read from the largest down and joined with «و»;
each group is followed by its scale (هزار، میلیون، میلیارد، تریلیون). A group
of «یک» keeps its «یک» (یک هزار، یک میلیون), as formal papers write it.
"""

from __future__ import annotations

from typing import Final

_ONES: Final = ("", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه")
_TEENS: Final = ("ده", "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده")
_TENS: Final = ("", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود")
_HUNDREDS: Final = ("", "صد", "دویست", "سیصد", "چهارصد", "پانصد", "ششصد", "هفتصد", "هشتصد", "نهصد")
_SCALES: Final = ("", "هزار", "میلیون", "میلیارد", "تریلیون")
_AND: Final = " و "
ZERO: Final = "صفر"
MINUS: Final = "منفی"
# One less than a thousand trillion: beyond any rial figure Kook keeps.
MAX_AMOUNT: Final = 10 ** (3 * len(_SCALES)) - 1


def _below_thousand(number: int) -> str:
    hundreds, rest = divmod(number, 100)
    parts: list[str] = []
    if hundreds:
        parts.append(_HUNDREDS[hundreds])
    if 10 <= rest < 20:
        parts.append(_TEENS[rest - 10])
    else:
        tens, ones = divmod(rest, 10)
        if tens:
            parts.append(_TENS[tens])
        if ones:
            parts.append(_ONES[ones])
    return _AND.join(parts)


def amount_in_words(number: int) -> str:
    """``number`` in Persian words: 0 → «صفر», 1_200_000 → «یک میلیون و دویست هزار», -5 → «منفی پنج».

    Raises ``ValueError`` for a non-integer or a figure beyond ``MAX_AMOUNT``.
    """
    if type(number) is not int:
        raise ValueError("amount_in_words takes an integer")
    if number == 0:
        return ZERO
    if number < 0:
        return f"{MINUS} {amount_in_words(-number)}"
    if number > MAX_AMOUNT:
        raise ValueError("amount too large to write in words")
    groups: list[str] = []
    scale = 0
    while number:
        number, group = divmod(number, 1000)
        if group:
            words = _below_thousand(group)
            groups.append(f"{words} {_SCALES[scale]}" if scale else words)
        scale += 1
    return _AND.join(reversed(groups))
