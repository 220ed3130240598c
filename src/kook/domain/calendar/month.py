"""A Jalali month laid out Saturday-first (SPEC §10 "Calendar"), standard library only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from kook.domain.recharges.schedule import persian_weekday
from kook.domain.shared.jalali import MAX_YEAR, month_length, to_gregorian

FRIDAY: Final = 6  # Persian weekday: 0 = Saturday … 6 = Friday


@dataclass(frozen=True, slots=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.year <= MAX_YEAR:
            raise ValueError("no such Jalali month")

    @property
    def first_day(self) -> date:
        return to_gregorian(self.year, self.month, 1)

    @property
    def length(self) -> int:
        return month_length(self.year, self.month)

    @property
    def days(self) -> list[date]:
        first = self.first_day
        return [first + timedelta(days=i) for i in range(self.length)]

    @property
    def leading_blanks(self) -> int:
        """Empty cells before the 1st in a Saturday-first week row."""
        return persian_weekday(self.first_day)

    @property
    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)
