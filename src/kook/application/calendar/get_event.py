"""Use cases of the customer's events (SPEC §10 "Events"): private to their user."""

from __future__ import annotations

from kook.application.calendar.ports import CalendarUnitOfWork
from kook.domain.calendar.event import Event
from kook.domain.shared.errors import NotFound


class GetEvent:
    def __init__(self, uow: CalendarUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, user_id: str, event_id: str) -> Event:
        async with self._uow as uow:
            event = await uow.events.get(event_id, user_id)
        if event is None:
            raise NotFound()
        return event
