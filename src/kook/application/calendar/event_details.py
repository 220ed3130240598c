"""What an event's form asks for, checked (shared by creating and changing an event)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kook.domain.calendar.event import Event, EventDetails, parse_event
from kook.domain.recharges.schedule import tehran_day
from kook.domain.shared.jalali import TEHRAN


def event_details(fields: dict[str, Any], now: datetime, current: Event | None = None) -> EventDetails:
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
