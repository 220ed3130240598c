"""Ports of scheduled and repeating requests (SPEC §7): what is due, copying a template's lines into a run,
the runs made so far, and the log of occurrences that made no run (not funded, skipped) and of reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from kook.application.recharges.request_ports import RequestsUnitOfWork
from kook.domain.recharges.request import Request

NOT_FUNDED = "not_funded"
SKIPPED = "skipped"
REMINDER = "reminder"


@dataclass(frozen=True, slots=True)
class RunNote:
    """One occurrence of a repeating request that made no run of its own, or a reminder before one; a
    notice (``title``/``body``/``sms``) is told once, keyed by (parent, occurrence, kind)."""

    parent_id: str
    run_at: datetime
    kind: str  # NOT_FUNDED | SKIPPED | REMINDER
    customer_id: str
    run_number: int
    total: int = 0
    available: int = 0
    title: str = ""
    body: str = ""
    sms: str | None = None

    @property
    def missing(self) -> int:
        return max(0, self.total - self.available)


@dataclass(frozen=True, slots=True)
class StartedRun:
    """A run that started: its own request, outcome counts (lines) and money (rials)."""

    number: int
    request_id: str
    status: str
    started_at: datetime
    lines: int
    pending: int
    succeeded: int
    failed: int
    unknown: int
    total: int
    settled: int
    released: int
    held: int


class ScheduleRepository(Protocol):
    async def due(self, now: datetime, limit: int) -> list[tuple[str, str]]:
        """(request id, customer id) of scheduled requests whose next run is at or before ``now``, oldest first."""
        ...

    async def run_of(self, parent_id: str, run_number: int) -> str | None:
        """The id of the run already made for that occurrence, if any."""
        ...

    async def copy_lines(self, template: Request, run: Request, now: datetime) -> int:
        """The template's valid lines, copied as the run's waiting lines; how many."""
        ...

    async def note(self, note: RunNote, now: datetime, *, claim: bool) -> bool:
        """Record ``note`` unless that (parent, occurrence, kind) is recorded already (→ False). ``claim``:
        the caller tells it now (claimed); a note with nothing to tell is recorded as told."""
        ...

    async def claim_unsent(self, now: datetime, lease: timedelta, limit: int) -> list[RunNote]:
        """Notices not told whose teller's claim is older than ``lease`` (or never claimed), claimed now;
        each is claimed by one caller only."""
        ...

    async def mark_sent(self, note: RunNote, now: datetime) -> None: ...

    async def notes_of(self, parent_id: str) -> list[RunNote]:
        """The occurrences of ``parent_id`` that made no run (not funded, skipped), oldest first."""
        ...

    async def reminder_due(self, now: datetime, horizon: datetime, limit: int) -> list[tuple[str, str]]:
        """(request id, customer id) of scheduled repeating requests whose next run is after ``now`` and at
        or before ``horizon`` and whose reminder for that run is not recorded."""
        ...

    async def started_runs(self, parent_id: str) -> list[StartedRun]:
        """The runs made from ``parent_id``, by number."""
        ...

    async def scheduled_of(self, customer_id: str) -> list[Request]:
        """The customer's scheduled requests (one-off and repeating)."""
        ...


class SchedulesUnitOfWork(RequestsUnitOfWork, Protocol):
    schedules: ScheduleRepository
