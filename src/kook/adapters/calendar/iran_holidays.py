"""Iran's official holidays from the maintained ``holidays`` package (python-holidays,
https://github.com/vacanza/holidays): Nowruz, the national days and the lunar (Hijri)
holidays, named in Persian (its ``fa_IR`` translation). Lunar dates the government has
not yet announced are the package's estimates."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays

from kook.application.calendar.ports import HolidayCalendar


@lru_cache(maxsize=16)
def _year(year: int) -> dict[date, list[str]]:
    found = holidays.country_holidays("IR", years=year, language="fa_IR")
    return {day: [name.strip() for name in found.get_list(day)] for day in found}


class IranHolidays(HolidayCalendar):
    def between(self, start: date, end: date) -> dict[date, list[str]]:
        days: dict[date, list[str]] = {}
        for year in range(start.year, end.year + 1):
            for day, names in _year(year).items():
                if start <= day <= end:
                    days[day] = list(names)
        return days
