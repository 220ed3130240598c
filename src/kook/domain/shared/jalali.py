"""The Jalali (Solar Hijri) calendar, standard library only.

The arithmetic is the well-known *jalaali* algorithm (Borkowski's break years,
as in jalaali-js and jalaali-python): valid for Jalali years -61 to 3177. The
Gregorian side uses ``datetime.date`` ordinals, so there is no second home-made
Gregorian calendar to get wrong.

``parse_date`` reads what people type into a date field: Jalali
``1370-05-12`` / ``1370/5/12`` in Latin, Persian or Arabic-Indic digits, or an
ISO Gregorian ``1991-08-03``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from kook.domain.shared.mobile import INVISIBLE_MARKS, to_latin_digits

TEHRAN: Final = ZoneInfo("Asia/Tehran")
MIN_YEAR: Final = -61
MAX_YEAR: Final = 3177

_BREAKS: Final = (
    -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210,
    1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178,
)  # fmt: skip

# A year written with at least this many digits' worth is Gregorian, below it Jalali.
_FIRST_GREGORIAN_YEAR: Final = 1700

_DATE: Final = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})")


def _div(a: int, b: int) -> int:
    """Integer division truncated towards zero (the algorithm's ``~~(a / b)``)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _mod(a: int, b: int) -> int:
    """The remainder that goes with ``_div`` (sign of ``a``)."""
    return a - _div(a, b) * b


def _check_year(jy: int) -> None:
    if not MIN_YEAR <= jy <= MAX_YEAR:
        raise ValueError(f"Jalali year out of range: {jy}")


def _jal_cal(jy: int) -> tuple[int, int, int]:
    """(leap, gy, march): years since the last leap year (0 = leap), the
    Gregorian year in which ``jy`` starts, and the day of March of 1 Farvardin."""
    _check_year(jy)
    gy = jy + 621
    leap_j = -14
    jp = _BREAKS[0]
    jump = 0
    for jm in _BREAKS[1:]:
        jump = jm - jp
        if jy < jm:
            break
        leap_j += _div(jump, 33) * 8 + _div(_mod(jump, 33), 4)
        jp = jm
    n = jy - jp
    leap_j += _div(n, 33) * 8 + _div(_mod(n, 33) + 3, 4)
    if _mod(jump, 33) == 4 and jump - n == 4:
        leap_j += 1
    leap_g = _div(gy, 4) - _div((_div(gy, 100) + 1) * 3, 4) - 150
    march = 20 + leap_j - leap_g
    if jump - n < 6:
        n = n - jump + _div(jump + 4, 33) * 33
    leap = _mod(_mod(n + 1, 33) - 1, 4)
    if leap == -1:
        leap = 4
    return leap, gy, march


def is_leap_year(jy: int) -> bool:
    return _jal_cal(jy)[0] == 0


def month_length(jy: int, jm: int) -> int:
    if not 1 <= jm <= 12:
        raise ValueError(f"Jalali month out of range: {jm}")
    if jm <= 6:
        return 31
    if jm <= 11:
        return 30
    return 30 if is_leap_year(jy) else 29


def is_valid(jy: int, jm: int, jd: int) -> bool:
    return MIN_YEAR <= jy <= MAX_YEAR and 1 <= jm <= 12 and 1 <= jd <= month_length(jy, jm)


def to_gregorian(jy: int, jm: int, jd: int) -> date:
    """The Gregorian date of Jalali ``jy/jm/jd``; ``ValueError`` when there is no such day."""
    if not is_valid(jy, jm, jd):
        raise ValueError(f"not a Jalali date: {jy}/{jm}/{jd}")
    _leap, gy, march = _jal_cal(jy)
    farvardin_first = date(gy, 3, march).toordinal()
    return date.fromordinal(farvardin_first + (jm - 1) * 31 - _div(jm, 7) * (jm - 7) + jd - 1)


def from_gregorian(day: date) -> tuple[int, int, int]:
    """(year, month, day) in the Jalali calendar."""
    ordinal = day.toordinal()
    jy = day.year - 621
    leap, gy, march = _jal_cal(jy)
    k = ordinal - date(gy, 3, march).toordinal()
    if k >= 0:
        if k <= 185:
            return jy, 1 + _div(k, 31), _mod(k, 31) + 1
        k -= 186
    else:
        jy -= 1
        _check_year(jy)
        k += 179
        if leap == 1:
            k += 1
    return jy, 7 + _div(k, 30), _mod(k, 30) + 1


@dataclass(frozen=True, order=True)
class JalaliDate:
    year: int
    month: int
    day: int

    def __post_init__(self) -> None:
        if not is_valid(self.year, self.month, self.day):
            raise ValueError(f"not a Jalali date: {self.year}/{self.month}/{self.day}")

    @classmethod
    def from_date(cls, day: date) -> JalaliDate:
        return cls(*from_gregorian(day))

    def to_date(self) -> date:
        return to_gregorian(self.year, self.month, self.day)

    def isoformat(self) -> str:
        """``1370-05-12``: the API's spelling."""
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __str__(self) -> str:
        """``1370/05/12``: how a person writes it."""
        return f"{self.year:04d}/{self.month:02d}/{self.day:02d}"


def parse_date(text: str) -> date | None:
    """A Jalali (``1370-05-12``, ``1370/5/12``) or ISO Gregorian date in any digits; None if it is none."""
    cleaned = "".join(ch for ch in to_latin_digits(text) if not ch.isspace() and ch not in INVISIBLE_MARKS)
    match = _DATE.fullmatch(cleaned)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    if year >= _FIRST_GREGORIAN_YEAR:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    if not is_valid(year, month, day):
        return None
    return to_gregorian(year, month, day)


def tehran_today(now: datetime) -> date:
    """The calendar day in Tehran at the (timezone-aware) moment ``now``."""
    return now.astimezone(TEHRAN).date()
