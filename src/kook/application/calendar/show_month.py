"""The calendar (SPEC §10 "Calendar"): a Jalali month with the user's events, the runs of"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from kook.application.calendar.months import MONTH_EVENTS
from kook.application.calendar.ports import (
    CalendarUnitOfWork,
    CustomerLookup,
    HolidayCalendar,
    RunOnCalendar,
    UpcomingRuns,
)
from kook.application.shared.ports import Clock
from kook.domain.calendar.event import Event
from kook.domain.calendar.month import FRIDAY, Month
from kook.domain.recharges.schedule import at_tehran, persian_weekday, tehran_day
from kook.domain.shared.errors import ValidationFailed
from kook.domain.shared.jalali import from_gregorian


@dataclass
class CalendarDay:
    date: date  # Gregorian
    day: int  # day of the Jalali month
    weekday: int  # 0 = Saturday … 6 = Friday
    is_today: bool
    is_friday: bool
    holidays: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    runs: list[RunOnCalendar] = field(default_factory=list)

    @property
    def is_holiday(self) -> bool:
        return self.is_friday or bool(self.holidays)


@dataclass
class MonthView:
    month: Month
    leading_blanks: int
    days: list[CalendarDay]
    today: date


def _month_of(year: object, month: object, today: date) -> Month:
    if year is None and month is None:
        jy, jm, _ = from_gregorian(today)
        return Month(jy, jm)
    errors: dict[str, str] = {}
    values: dict[str, int] = {}
    for name, value in (("year", year), ("month", month)):
        text = str(value).strip() if value is not None else ""
        if not text.isdigit():
            errors[name] = "required" if not text else "invalid"
        else:
            values[name] = int(text)
    if "month" in values and not 1 <= values["month"] <= 12:
        errors["month"] = "invalid"
    if "year" in values and not 1300 <= values["year"] <= 1500:
        errors["year"] = "invalid"
    if errors:
        raise ValidationFailed(errors)
    return Month(values["year"], values["month"])


class ShowMonth:
    def __init__(
        self,
        uow: CalendarUnitOfWork,
        runs: UpcomingRuns,
        holidays: HolidayCalendar,
        customers: CustomerLookup,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._runs = runs
        self._holidays = holidays
        self._customers = customers
        self._clock = clock

    async def __call__(self, user_id: str, year: object = None, month: object = None) -> MonthView:
        today = tehran_day(self._clock.now())
        shown = _month_of(year, month, today)
        days = shown.days
        start, end = at_tehran(days[0], time(0, 0)), at_tehran(days[-1] + timedelta(days=1), time(0, 0))
        async with self._uow as uow:
            events = await uow.events.between(user_id, start, end, limit=MONTH_EVENTS)
        customer_id = await self._customers.customer_of(user_id)
        runs = await self._runs.between(customer_id, start, end) if customer_id else []
        holidays = self._holidays.between(days[0], days[-1])
        cells = {
            day: CalendarDay(
                date=day,
                day=index + 1,
                weekday=persian_weekday(day),
                is_today=day == today,
                is_friday=persian_weekday(day) == FRIDAY,
                holidays=holidays.get(day, []),
            )
            for index, day in enumerate(days)
        }
        for event in events:
            cells[tehran_day(event.at)].events.append(event)
        for run in runs:
            cell = cells.get(tehran_day(run.at))
            if cell is not None:
                cell.runs.append(run)
        return MonthView(month=shown, leading_blanks=shown.leading_blanks, days=list(cells.values()), today=today)
