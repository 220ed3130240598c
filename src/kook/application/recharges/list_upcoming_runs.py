"""A run to come on the customer's calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from kook.application.recharges.ports import SchedulesUnitOfWork

CALENDAR_LIMIT: Final = 1000  # runs of one request in one window


@dataclass(frozen=True, slots=True)
class ScheduledRun:
    """A run to come on the customer's calendar."""

    request_id: str
    name: str
    number: int | None  # None: a one-off scheduled request
    at: datetime
    status: str  # scheduled | skipped


class ListUpcomingRuns:
    """The customer's runs to come between ``start`` and ``end`` (inclusive): scheduled one-off requests and
    the future runs of repeating ones (a paused one has none), oldest first."""

    def __init__(self, uow: SchedulesUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, customer_id: str, start: datetime, end: datetime) -> list[ScheduledRun]:
        async with self._uow as uow:
            scheduled = await uow.schedules.scheduled_of(customer_id)
        found = [
            ScheduledRun(r.id, r.name, run.number, run.at, "skipped" if run.skipped else "scheduled")
            for r in scheduled
            for run in r.runs_between(start, end, CALENDAR_LIMIT)
        ]
        found.sort(key=lambda s: (s.at, s.request_id))
        return found
