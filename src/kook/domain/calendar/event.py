"""The customer's own notes on the calendar (SPEC §10 "Events"), standard library only.

An event has a title, a text, a moment (entered as a Jalali date and a Tehran
time) and an optional reminder: a portal message and/or an SMS a chosen number
of minutes before. ``remind_at`` is when the reminder is due; ``reminded_at``
is set once, when one scheduler claims it (never sent twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Final

from kook.domain.recharges.schedule import at_tehran, parse_time
from kook.domain.shared.errors import ValidationFailed
from kook.domain.shared.jalali import parse_date

TITLE_MAX: Final = 200
TEXT_MAX: Final = 2000
REMIND_MAX_MINUTES: Final = 60 * 24 * 30  # a month before
# How far from now an event may be placed (either way): the calendar is for the years around now.
MAX_DISTANCE: Final = timedelta(days=5 * 366)


@dataclass(eq=False)
class Event:
    id: str
    user_id: str
    title: str
    text: str
    at: datetime  # UTC
    created_at: datetime
    updated_at: datetime
    remind_minutes: int | None = None  # how long before ``at`` to remind; None = no reminder
    remind_message: bool = False
    remind_sms: bool = False
    remind_at: datetime | None = None
    reminded_at: datetime | None = None

    @property
    def has_reminder(self) -> bool:
        return self.remind_at is not None

    def change(self, details: EventDetails, now: datetime) -> None:
        """New details; a changed reminder (or moment) is armed again, once."""
        reminder_before = (self.at, self.remind_minutes, self.remind_message, self.remind_sms)
        self.title, self.text, self.at = details.title, details.text, details.at
        self.remind_minutes = details.remind_minutes
        self.remind_message, self.remind_sms = details.remind_message, details.remind_sms
        self.remind_at = details.remind_at
        if (self.at, self.remind_minutes, self.remind_message, self.remind_sms) != reminder_before:
            self.reminded_at = None
        self.updated_at = now


@dataclass(frozen=True, slots=True)
class EventDetails:
    title: str
    text: str
    at: datetime
    remind_minutes: int | None
    remind_message: bool
    remind_sms: bool

    @property
    def remind_at(self) -> datetime | None:
        if self.remind_minutes is None:
            return None
        return self.at - timedelta(minutes=self.remind_minutes)


def _clean_text(value: object, field: str, limit: int, errors: dict[str, str], *, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = "invalid"
        return ""
    text = value.strip().replace("\r\n", "\n")
    if required and not text:
        errors[field] = "required"
    elif len(text) > limit:
        errors[field] = "too_long"
    elif any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        errors[field] = "invalid"
    return text


def parse_event(
    *,
    title: object,
    text: object,
    date: object,
    time_of_day: object,
    remind_minutes: object,
    remind_message: object,
    remind_sms: object,
    now: datetime,
) -> EventDetails:
    """Checks what a person typed; every fault is named by its field.

    ``date`` is a Jalali (or ISO) date, ``time_of_day`` ``HH:MM`` in Tehran (empty = 09:00).
    A reminder needs at least one channel; with none chosen there is no reminder.
    """
    errors: dict[str, str] = {}
    clean_title = _clean_text(title, "title", TITLE_MAX, errors, required=True)
    clean_text = _clean_text(text, "text", TEXT_MAX, errors, required=False)
    day = parse_date(date) if isinstance(date, str) else None
    if day is None:
        errors["date"] = "required" if date in (None, "") else "date_invalid"
    clock = time(9, 0)
    if time_of_day not in (None, ""):
        try:
            clock = parse_time(time_of_day, "time")
        except ValidationFailed as exc:
            errors.update(exc.fields)
    minutes: int | None = None
    if remind_minutes not in (None, ""):
        if isinstance(remind_minutes, bool):
            errors["remind_minutes"] = "invalid"
        elif isinstance(remind_minutes, int) or (isinstance(remind_minutes, str) and remind_minutes.isdigit()):
            minutes = int(remind_minutes)
            if not 0 <= minutes <= REMIND_MAX_MINUTES:
                errors["remind_minutes"] = "invalid"
        else:
            errors["remind_minutes"] = "invalid"
    by_message, by_sms = bool(remind_message), bool(remind_sms)
    if minutes is not None and not (by_message or by_sms) and "remind_minutes" not in errors:
        errors["remind_minutes"] = "reminder_channel_required"
    at = at_tehran(day, clock) if day is not None else now
    if day is not None and abs(at - now) > MAX_DISTANCE:
        errors["date"] = "date_too_far"
    if errors:
        raise ValidationFailed(errors)
    return EventDetails(
        title=clean_title,
        text=clean_text,
        at=at,
        remind_minutes=minutes,
        remind_message=by_message and minutes is not None,
        remind_sms=by_sms and minutes is not None,
    )
