"""Use cases of the customer's events (SPEC §10 "Events"): private to their user."""

from __future__ import annotations

from kook.application.calendar.ports import CalendarUnitOfWork
from kook.domain.shared.errors import NotFound


class DeleteEvent:
    def __init__(self, uow: CalendarUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, user_id: str, event_id: str) -> None:
        async with self._uow as uow:
            event = await uow.events.get(event_id, user_id, for_update=True)
            if event is None:
                raise NotFound()
            await uow.events.delete(event)
            await uow.commit()
