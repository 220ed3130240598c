"""Ports of the calendar context: events, the feed's secret, runs and holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from kook.application.shared.ports import MessageRepository, UnitOfWork
from kook.domain.calendar.event import Event


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A reminder one scheduler has claimed (``reminded_at`` set in the same transaction)."""

    event_id: str
    user_id: str
    mobile: str
    title: str
    at: datetime
    remind_message: bool
    remind_sms: bool


@dataclass(frozen=True, slots=True)
class RunOnCalendar:
    """A run of a scheduled or repeating request, as the calendar shows it."""

    request_id: str
    name: str
    at: datetime
    status: str


class EventRepository(Protocol):
    async def add(self, event: Event) -> None: ...
    async def get(self, event_id: str, user_id: str, *, for_update: bool = False) -> Event | None:
        """The user's event, or None (another user's event is not found)."""
        ...

    async def save(self, event: Event) -> None: ...
    async def delete(self, event: Event) -> None: ...
    async def between(self, user_id: str, start: datetime, end: datetime, *, limit: int) -> list[Event]:
        """The user's events with ``start <= at < end``, earliest first."""
        ...

    async def claim_due_reminders(self, now: datetime, limit: int) -> list[DueReminder]:
        """Marks up to ``limit`` due, unclaimed reminders claimed and returns them.

        Safe with several schedulers at once: a reminder is returned to one of them only."""
        ...


class FeedRepository(Protocol):
    async def token_of(self, user_id: str) -> str | None: ...
    async def set_token(self, user_id: str, token: str, now: datetime) -> None: ...
    async def user_of(self, token: str) -> str | None: ...


class CalendarUnitOfWork(UnitOfWork, Protocol):
    events: EventRepository
    feeds: FeedRepository
    messages: MessageRepository


class UpcomingRuns(Protocol):
    async def between(self, customer_id: str, start: datetime, end: datetime) -> list[RunOnCalendar]:
        """Runs of the customer's scheduled one-offs and repeating requests with ``start <= at < end``."""
        ...


class HolidayCalendar(Protocol):
    def between(self, start: date, end: date) -> dict[date, list[str]]:
        """Iran's official holidays (Persian names) on ``start <= day <= end``."""
        ...


@dataclass(frozen=True, slots=True)
class FeedItem:
    uid: str
    title: str
    description: str
    start: datetime
    stamp: datetime


class FeedWriter(Protocol):
    def write(self, name: str, items: list[FeedItem]) -> bytes:
        """An iCalendar (RFC 5545) document."""
        ...


class CustomerLookup(Protocol):
    async def customer_of(self, user_id: str) -> str | None:
        """The id of the customer the user owns, or None."""
        ...
