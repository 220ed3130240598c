"""Use cases of the customer's events (SPEC §10 "Events"): private to their user."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from kook.application.calendar.ports import CalendarUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.calendar.event import Event
from kook.domain.calendar.month import Month
from kook.domain.recharges.schedule import at_tehran, tehran_day
from kook.domain.shared.errors import ValidationFailed
from kook.domain.shared.jalali import from_gregorian

MAX_RANGE_EVENTS = 1000


class ListEvents:
    def __init__(self, uow: CalendarUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, user_id: str, start: datetime | None, end: datetime | None) -> list[Event]:
        """Between ``start`` and ``end``; a bound left out is that of this Tehran month."""
        if start is None or end is None:
            jy, jm, _ = from_gregorian(tehran_day(self._clock.now()))
            days = Month(jy, jm).days
            start = start or at_tehran(days[0], time(0, 0))
            end = end or at_tehran(days[-1] + timedelta(days=1), time(0, 0))
        if end <= start:
            raise ValidationFailed({"to": "before_start"})
        async with self._uow as uow:
            return await uow.events.between(user_id, start, end, limit=MAX_RANGE_EVENTS)
