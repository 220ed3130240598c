"""Use cases of the customer's events (SPEC §10 "Events"): private to their user."""

from __future__ import annotations

from typing import Any

from kook.application.calendar.event_details import event_details
from kook.application.calendar.ports import CalendarUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.calendar.event import Event
from kook.domain.shared.ids import new_id


class CreateEvent:
    def __init__(self, uow: CalendarUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, user_id: str, fields: dict[str, Any]) -> Event:
        now = self._clock.now()
        details = event_details(fields, now)
        event = Event(
            id=new_id(),
            user_id=user_id,
            title=details.title,
            text=details.text,
            at=details.at,
            created_at=now,
            updated_at=now,
            remind_minutes=details.remind_minutes,
            remind_message=details.remind_message,
            remind_sms=details.remind_sms,
            remind_at=details.remind_at,
        )
        async with self._uow as uow:
            await uow.events.add(event)
            await uow.commit()
        return event
