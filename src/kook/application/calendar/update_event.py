"""Use cases of the customer's events (SPEC §10 "Events"): private to their user."""

from __future__ import annotations

from typing import Any

from kook.application.calendar.event_details import event_details
from kook.application.calendar.ports import CalendarUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.calendar.event import Event
from kook.domain.shared.errors import NotFound


class UpdateEvent:
    def __init__(self, uow: CalendarUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, user_id: str, event_id: str, fields: dict[str, Any]) -> Event:
        now = self._clock.now()
        async with self._uow as uow:
            event = await uow.events.get(event_id, user_id, for_update=True)
            if event is None:
                raise NotFound()
            event.change(event_details(fields, now, event), now)
            await uow.events.save(event)
            await uow.commit()
        return event
