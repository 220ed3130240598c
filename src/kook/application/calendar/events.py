"""Use cases of the customer's events (SPEC §10 "Events"): private to their user."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import structlog

from kook.application.calendar.ports import CalendarUnitOfWork
from kook.application.calendar.texts import event_reminder
from kook.application.messaging.notify_customer import send_sms
from kook.application.shared.ports import Clock, SmsSender
from kook.domain.calendar.event import Event, EventDetails, parse_event
from kook.domain.calendar.month import Month
from kook.domain.messaging.message import Message, MessageKind
from kook.domain.recharges.schedule import at_tehran, tehran_day
from kook.domain.shared.errors import NotFound, ValidationFailed
from kook.domain.shared.ids import new_id
from kook.domain.shared.jalali import TEHRAN, from_gregorian

log = structlog.get_logger(__name__)

MAX_RANGE_EVENTS = 1000
REMINDER_BATCH = 200


def _details(fields: dict[str, Any], now: datetime, current: Event | None = None) -> EventDetails:
    """Checks the form; on an edit, a field left out keeps the event's value."""

    def pick(name: str, fallback: object) -> object:
        return fields.get(name, fallback)

    if current is None:
        return parse_event(
            title=fields.get("title"),
            text=fields.get("text"),
            date=fields.get("date"),
            time_of_day=fields.get("time"),
            remind_minutes=fields.get("remind_minutes"),
            remind_message=fields.get("remind_message"),
            remind_sms=fields.get("remind_sms"),
            now=now,
        )
    local = current.at.astimezone(TEHRAN)
    return parse_event(
        title=pick("title", current.title),
        text=pick("text", current.text),
        date=pick("date", tehran_day(current.at).isoformat()),
        time_of_day=pick("time", f"{local.hour:02d}:{local.minute:02d}"),
        remind_minutes=pick("remind_minutes", current.remind_minutes),
        remind_message=pick("remind_message", current.remind_message),
        remind_sms=pick("remind_sms", current.remind_sms),
        now=now,
    )


class CreateEvent:
    def __init__(self, uow: CalendarUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, user_id: str, fields: dict[str, Any]) -> Event:
        now = self._clock.now()
        details = _details(fields, now)
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


class GetEvent:
    def __init__(self, uow: CalendarUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, user_id: str, event_id: str) -> Event:
        async with self._uow as uow:
            event = await uow.events.get(event_id, user_id)
        if event is None:
            raise NotFound()
        return event


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
            event.change(_details(fields, now, event), now)
            await uow.events.save(event)
            await uow.commit()
        return event


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


class SendDueReminders:
    """``calendar.remind`` (every 30 s): each due reminder is claimed by one scheduler and sent once.

    The claim and the portal message commit together, so a message is never lost
    nor doubled; the SMS goes after the commit (a crash between the two loses
    that one text rather than sending it twice)."""

    def __init__(self, uow: CalendarUnitOfWork, sms: SmsSender, clock: Clock) -> None:
        self._uow = uow
        self._sms = sms
        self._clock = clock

    async def __call__(self) -> int:
        sent = 0
        while True:
            now = self._clock.now()
            async with self._uow as uow:
                due = await uow.events.claim_due_reminders(now, REMINDER_BATCH)
                texts = {}
                for reminder in due:
                    title, body, sms = event_reminder(reminder.title, reminder.at)
                    texts[reminder.event_id] = sms
                    if reminder.remind_message:
                        await uow.messages.add(
                            Message(
                                id=new_id(),
                                user_id=reminder.user_id,
                                kind=MessageKind.EVENT_REMINDER,
                                title=title[:200],
                                body=body,
                                created_at=now,
                            )
                        )
                await uow.commit()
            for reminder in due:
                if reminder.remind_sms:
                    await send_sms(self._sms, reminder.mobile, texts[reminder.event_id])
            sent += len(due)
            if len(due) < REMINDER_BATCH:
                return sent
