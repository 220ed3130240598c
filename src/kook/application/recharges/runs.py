"""The runs of a repeating request (SPEC §7, §10): the list (past runs with their outcome counts and money,
the runs to come), pause, resume, skip one run (and undo it), change the end, cancel all future runs; the
upcoming runs of a customer between two moments (for the calendar); and the reminders before a run whose
wallet is short, told once per run however many schedulers run.

A repeating request holds nothing until a run starts, so none of these moves money; cancelling a
scheduled one-off request (``CancelFutureRuns`` on it) releases its hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

import structlog

from kook.application.recharges.confirmation import CancelRequest
from kook.application.recharges.requests import owned_request
from kook.application.recharges.schedule_ports import REMINDER, RunNote, SchedulesUnitOfWork, StartedRun
from kook.application.recharges.start_due_requests import RunNotices
from kook.application.recharges.texts import run_reminder
from kook.application.shared.ports import Clock, CustomerNotifier
from kook.application.wallet.ledger_poster import LedgerPoster
from kook.domain.recharges.request import (
    Request,
    RequestNotScheduled,
    RequestStatus,
    UpcomingRun,
)
from kook.domain.recharges.schedule import parse_end, parse_moment

log = structlog.get_logger(__name__)

UPCOMING: Final = 50  # runs to come shown with a request
CALENDAR_LIMIT: Final = 1000  # runs of one request in one window
BATCH: Final = 100


@dataclass(frozen=True, slots=True)
class RunsConfig:
    reminder_before: timedelta = timedelta(hours=24)  # zero: no reminders
    notice_lease: timedelta = timedelta(minutes=5)  # a teller that took a notice on this long ago died


@dataclass(frozen=True, slots=True)
class PastRun:
    """An occurrence handled: a started run (``run``), or one that made no run (not funded, skipped)."""

    number: int
    at: datetime
    status: str  # the run's request status, or not_funded | skipped
    run: StartedRun | None = None
    total: int = 0  # not funded: what it needed
    missing: int = 0  # not funded: how much was missing


@dataclass(frozen=True, slots=True)
class RunsView:
    request: Request
    past: list[PastRun] = field(default_factory=list)
    upcoming: list[UpcomingRun] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ScheduledRun:
    """A run to come on the customer's calendar."""

    request_id: str
    name: str
    number: int | None  # None: a one-off scheduled request
    at: datetime
    status: str  # scheduled | skipped


class ListRuns:
    def __init__(self, uow: SchedulesUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, request_id: str, customer_id: str) -> RunsView:
        async with self._uow as uow:
            request = await owned_request(uow, request_id, customer_id)
            started = await uow.schedules.started_runs(request.id) if request.repeating else []
            notes = await uow.schedules.notes_of(request.id) if request.repeating else []
        past = [PastRun(r.number, r.started_at, r.status, run=r) for r in started]
        past += [PastRun(n.run_number, n.run_at, n.kind, total=n.total, missing=n.missing) for n in notes]
        past.sort(key=lambda p: (p.number, p.at))
        return RunsView(request, past, request.runs_between(None, None, UPCOMING))


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


class _RunsAction:
    def __init__(self, uow: SchedulesUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def _change(
        self, request_id: str, customer_id: str, action: str, change: Callable[[Request, datetime], object]
    ) -> Request:
        async with self._uow as uow:
            request = await owned_request(uow, request_id, customer_id, lock=True)
            before = request.status.value
            changed = change(request, self._clock.now())
            if changed is not False:
                await uow.requests.save(request)
                after: dict[str, object] = {"status": request.status.value}
                if request.repeat is not None:
                    after["repeat"] = request.repeat.to_json()
                await uow.audit.record(
                    actor=customer_id, action=action, subject=request.id, before={"status": before}, after=after
                )
                await uow.commit()
            return request


class PauseRuns(_RunsAction):
    async def __call__(self, request_id: str, customer_id: str) -> Request:
        return await self._change(request_id, customer_id, "request.paused", Request.pause)


class ResumeRuns(_RunsAction):
    async def __call__(self, request_id: str, customer_id: str) -> Request:
        return await self._change(request_id, customer_id, "request.resumed", Request.resume)


class SkipRun(_RunsAction):
    """``run_at``: one of the runs to come, as listed (ISO 8601 with an offset, or Jalali in Tehran time)."""

    async def __call__(self, request_id: str, customer_id: str, run_at: object, *, undo: bool = False) -> Request:
        moment = parse_moment(run_at, "run_at")

        def change(request: Request, now: datetime) -> bool:
            return request.unskip(moment, now) if undo else request.skip(moment, now)

        action = "request.run_unskipped" if undo else "request.run_skip_chosen"
        return await self._change(request_id, customer_id, action, change)


class ChangeRunsEnd(_RunsAction):
    async def __call__(self, request_id: str, customer_id: str, until: object, count: object) -> Request:
        day, runs = parse_end(until, count)

        def change(request: Request, now: datetime) -> None:
            request.change_end(day, runs, now)

        return await self._change(request_id, customer_id, "request.end_changed", change)


class CancelFutureRuns:
    """A repeating request's future runs (runs already started go on), or a scheduled one-off request with
    its hold released; again → the same answer."""

    def __init__(self, uow: SchedulesUnitOfWork, poster: LedgerPoster, clock: Clock) -> None:
        self._uow = uow
        self._cancel = CancelRequest(uow, poster, clock)

    async def __call__(self, request_id: str, customer_id: str) -> RequestStatus:
        async with self._uow as uow:
            request = await owned_request(uow, request_id, customer_id)
        if request.status not in (RequestStatus.SCHEDULED, RequestStatus.PAUSED, RequestStatus.CANCELLED):
            raise RequestNotScheduled(details={"status": request.status.value})
        return await self._cancel(request_id, customer_id)


class RemindShortRuns:
    """A reminder (message and SMS) ``reminder_before`` a run whose wallet cannot fund it; once per run."""

    def __init__(self, uow: SchedulesUnitOfWork, clock: Clock, notifier: CustomerNotifier, config: RunsConfig) -> None:
        self._uow = uow
        self._clock = clock
        self._notices = RunNotices(uow, clock, notifier)
        self._config = config

    async def __call__(self) -> int:
        if self._config.reminder_before <= timedelta(0):
            return 0
        now = self._clock.now()
        async with self._uow as uow:
            candidates = await uow.schedules.reminder_due(now, now + self._config.reminder_before, BATCH)
        told = 0
        for request_id, customer_id in candidates:
            try:
                note = await self._note(request_id, customer_id, now)
            except Exception:
                log.warning("run_reminder_failed", request_id=request_id, exc_info=True)
                continue
            if note is not None and await self._notices.tell(note):
                told += 1
        return told

    async def _note(self, request_id: str, customer_id: str, now: datetime) -> RunNote | None:
        async with self._uow as uow:
            template = await uow.requests.get(request_id, customer_id)
            if template is None or template.status is not RequestStatus.SCHEDULED or template.next_run_at is None:
                return None
            if template.due_run_skipped:
                return None
            total = sum(p.total for p in await uow.lines.totals(template.id))
            wallet = await uow.ledger.wallet(customer_id)
            available = wallet.available if wallet is not None else 0
            if available >= total:
                return None  # asked again on the next pass, until the run: the wallet may drop
            number = template.runs_started + 1
            title, body, sms = run_reminder(template.name, number, template.next_run_at, total, available)
            note = RunNote(
                template.id, template.next_run_at, REMINDER, customer_id, number, total, available, title, body, sms
            )
            if not await uow.schedules.note(note, now, claim=True):
                return None  # another scheduler took it on
            await uow.commit()
            return note


class DeliverRunNotices:
    """Notices whose teller died before telling (its claim's lease ran out): claimed again and told."""

    def __init__(self, uow: SchedulesUnitOfWork, clock: Clock, notifier: CustomerNotifier, config: RunsConfig) -> None:
        self._uow = uow
        self._clock = clock
        self._notices = RunNotices(uow, clock, notifier)
        self._config = config

    async def __call__(self) -> int:
        async with self._uow as uow:
            claimed = await uow.schedules.claim_unsent(self._clock.now(), self._config.notice_lease, BATCH)
            await uow.commit()
        told = 0
        for note in claimed:
            told += await self._notices.tell(note)
        return told
