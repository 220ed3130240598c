"""Finance's daily totals: money in (the bank gateway, deposit slips) and money out (the operators)"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from kook.application.reporting.period import parse_period
from kook.application.reporting.ports import DailyTotals, DailyTotalsReader
from kook.application.shared.ports import Clock
from kook.domain.shared.errors import ValidationFailed
from kook.domain.shared.jalali import TEHRAN, tehran_today

# Without a period: the last 31 days up to today.
DEFAULT_DAYS: Final = 31


MAX_DAYS: Final = 366


class GetDailyTotals:
    def __init__(self, reader: DailyTotalsReader, clock: Clock) -> None:
        self._reader = reader
        self._clock = clock

    async def __call__(self, start: str | None, end: str | None, customer_id: str | None) -> DailyTotals:
        now = self._clock.now()
        errors: dict[str, str] = {}
        begin, finish = parse_period(start, end, errors)
        if finish is None:
            finish = datetime.combine(tehran_today(now) + timedelta(days=1), datetime.min.time(), TEHRAN)
        if begin is None:
            begin = datetime.combine(finish.date() - timedelta(days=DEFAULT_DAYS), datetime.min.time(), TEHRAN)
        if "to" not in errors and "from" not in errors:
            if finish <= begin:
                errors["to"] = "before_start"
            elif (finish - begin).days > MAX_DAYS:
                errors["to"] = "range_too_long_year"
        if errors:
            raise ValidationFailed(errors)
        result = DailyTotals(begin, finish, customer_id)
        result.days = sorted(await self._reader.days(begin, finish, customer_id), key=lambda d: d.day, reverse=True)
        for day in result.days:
            t = result.total
            t.gateway += day.gateway
            t.gateway_count += day.gateway_count
            t.slips += day.slips
            t.slips_count += day.slips_count
            t.operators += day.operators
            t.operators_count += day.operators_count
        return result
