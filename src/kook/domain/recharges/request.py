"""Bulk requests (درخواست, SPEC §7): a named request of a customer and its lines.

A request is built as a draft (rename, add lines one by one or from
spreadsheets, edit and delete lines), then confirmed once: the total price is
held in the wallet and the lines become pending for fulfilment. A confirmed
request that has not started can be cancelled, and its hold is released.

A repeating request is a template whose runs are requests of their own; its
future runs can be paused and resumed, one of them skipped, its end changed,
or all of them cancelled (nothing is held until a run starts).

A line is checked when it is added or edited (``check_line``): a bad line is
kept as **invalid** with the code and column of its first fault — nothing is
dropped. Duplicate numbers are allowed and only flagged (a warning).

Why one file of some 400 lines: the request is one aggregate with one state machine (draft, confirmed,
scheduled, running, finished, cancelled; repeating templates and their runs), which reads top to bottom
here; the parts that stand alone live beside it (``line``, ``sheet_rows``, ``schedule``, ``fulfilment``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Final

from kook.domain.recharges.schedule import MAX_UNTIL, Plan, Repeat, tehran_day
from kook.domain.shared.errors import Conflict, DomainError, NotFound, ValidationFailed
from kook.domain.shared.text import clean_text

MAX_NAME: Final = 120


MAX_SKIPPED: Final = 100  # upcoming runs of one repeating request skipped at once


class RequestKind(enum.StrEnum):
    TOPUP = "topup"
    PACKAGE = "package"


class RequestStatus(enum.StrEnum):
    DRAFT = "draft"
    CONFIRMED = "confirmed"  # the total is held; no line sent yet
    SCHEDULED = "scheduled"  # runs later: once (the total is held) or repeating (each run holds its own)
    PAUSED = "paused"  # a repeating request the customer paused: no run starts until resumed
    RUNNING = "running"  # fulfilment started (a line was claimed)
    COMPLETED = "completed"
    COMPLETED_WITH_FAILURES = "completed_with_failures"
    CANCELLED = "cancelled"


IN_FULFILMENT: Final = (RequestStatus.CONFIRMED, RequestStatus.RUNNING)


class RequestNotFound(NotFound):
    code = "not_found"


class RequestNotDraft(Conflict):
    code = "request_not_draft"


class RequestStarted(Conflict):
    """Cancel of a request whose fulfilment has started (or finished)."""

    code = "request_started"


class RequestNotRepeating(Conflict):
    """Pause, resume, skip or change the end of a request that is not a repeating one."""

    code = "request_not_repeating"


class RequestNotScheduled(Conflict):
    """A runs action on a request that has no future runs (finished, cancelled, a draft)."""

    code = "request_not_scheduled"


class InvalidLines(Conflict):
    code = "invalid_lines"

    def __init__(self, count: int) -> None:
        super().__init__(details={"count": count})
        self.count = count


class SheetEmpty(DomainError):
    """The sheet has no row under its headers (or nothing at all): nothing to add."""

    code = "sheet_empty"


@dataclass(frozen=True, slots=True)
class UpcomingRun:
    """A run to come: its number (None for a one-off scheduled request), when, and whether it is skipped."""

    number: int | None
    at: datetime
    skipped: bool


def check_name(value: object) -> str:
    name = clean_text(value, "name") if isinstance(value, str) else ""
    if not name:
        raise ValidationFailed({"name": "required"})
    if len(name) > MAX_NAME:
        raise ValidationFailed({"name": "too_long"})
    return name


def check_kind(value: object) -> RequestKind:
    try:
        return RequestKind(value if isinstance(value, str) else "")
    except ValueError:
        raise ValidationFailed({"kind": "invalid"}) from None


@dataclass(eq=False)
class Request:
    id: str
    customer_id: str
    name: str
    kind: RequestKind
    status: RequestStatus
    created_at: datetime
    updated_at: datetime
    confirmed_at: datetime | None = None
    total_held: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    settled: int = 0  # rials settled to operators so far
    released: int = 0  # rials of failed lines given back
    notified_at: datetime | None = None  # the finishing message was sent
    notice_claimed_at: datetime | None = None  # a teller took the finishing message on (see ``claim_notice``)
    # schedule and repeat (0007)
    schedule_at: datetime | None = None  # a one-off scheduled request starts then
    repeat: Repeat | None = None  # a repeating request (a template: each run is its own request)
    next_run_at: datetime | None = None  # while scheduled: when it (or its next run) starts
    runs_started: int = 0  # a template's occurrences handled so far (funded or not)
    parent_id: str | None = None  # a run: the repeating request it was made from
    run_number: int | None = None  # a run: which occurrence (1-based)
    skipped: tuple[datetime, ...] = ()  # (0012) upcoming occurrences the customer skipped (UTC, sorted)

    @property
    def held(self) -> int:
        """What is still held for the request's lines."""
        if self.status in (RequestStatus.DRAFT, RequestStatus.CANCELLED):
            return 0
        return self.total_held - self.settled - self.released

    @property
    def finished(self) -> bool:
        return self.status in (RequestStatus.COMPLETED, RequestStatus.COMPLETED_WITH_FAILURES)

    def claim_notice(self, now: datetime, lease: timedelta) -> bool:
        """Take on telling the customer the request finished: ``False`` when it is not finished, already
        told, or another teller took it on less than ``lease`` ago (two tellers at once tell once; one that
        died is replaced when its lease runs out)."""
        if not self.finished or self.notified_at is not None:
            return False
        if self.notice_claimed_at is not None and now - self.notice_claimed_at < lease:
            return False
        self.notice_claimed_at = now
        return True

    def notice_given_up(self) -> None:
        """Telling failed: another teller may take it on at once (the sweeper's next pass)."""
        self.notice_claimed_at = None

    def ensure_draft(self) -> None:
        if self.status is not RequestStatus.DRAFT:
            raise RequestNotDraft(details={"status": self.status.value})

    def rename(self, name: object, now: datetime) -> None:
        self.ensure_draft()
        self.name = check_name(name)
        self.updated_at = now

    def confirm(self, total: int, now: datetime) -> None:
        self.ensure_draft()
        self.status = RequestStatus.CONFIRMED
        self.confirmed_at = now
        self.total_held = total
        self.updated_at = now

    @property
    def repeating(self) -> bool:
        return self.repeat is not None

    def schedule(self, total: int, plan: Plan, now: datetime) -> None:
        """Draft → scheduled: once at ``plan.at`` (``total`` held now) or repeating (nothing held)."""
        self.ensure_draft()
        self.status = RequestStatus.SCHEDULED
        self.confirmed_at = now
        self.updated_at = now
        self.next_run_at = plan.first_run
        if plan.repeat is not None:
            self.repeat = plan.repeat
            self.schedule_at = plan.at
            self.total_held = 0
        else:
            self.schedule_at = plan.at
            self.total_held = total

    def due(self, now: datetime) -> bool:
        return self.status is RequestStatus.SCHEDULED and self.next_run_at is not None and self.next_run_at <= now

    def release_due(self, now: datetime) -> None:
        """A one-off scheduled request whose time came: → confirmed (fulfilment takes it)."""
        if self.repeating or not self.due(now):
            raise ValueError("not a due one-off request")
        self.status = RequestStatus.CONFIRMED
        self.next_run_at = None
        self.updated_at = now

    def plan_next(self, now: datetime) -> int:
        """A repeating request's due occurrence handled: its number; the next one planned (missed ones
        skipped), or the template done when the repeat ends."""
        if self.repeat is None or not self.due(now):
            raise ValueError("not a due repeating request")
        self.runs_started += 1
        number = self.runs_started
        self._plan_after(now)
        return number

    def _plan_after(self, now: datetime) -> None:
        """The first occurrence after ``now`` becomes the next run, or the repeat is done."""
        assert self.repeat is not None
        upcoming = self.repeat.next_run(now)
        self.updated_at = now
        self.skipped = tuple(m for m in self.skipped if m > now)
        if self.repeat.allows(self.runs_started + 1, upcoming):
            self.status = RequestStatus.SCHEDULED
            self.next_run_at = upcoming
        else:
            self.next_run_at = None
            self.status = RequestStatus.COMPLETED
            self.finished_at = now
            self.notified_at = now  # each run tells its own outcome; the template has nothing to tell

    # ------------------------------------------------------------------ the runs of a repeating request

    @property
    def due_run_skipped(self) -> bool:
        """The due occurrence is one the customer skipped."""
        return self.next_run_at is not None and self.next_run_at in self.skipped

    def _ensure_runs(self) -> Repeat:
        if self.repeat is None:
            raise RequestNotRepeating()
        if self.status not in (RequestStatus.SCHEDULED, RequestStatus.PAUSED):
            raise RequestNotScheduled(details={"status": self.status.value})
        return self.repeat

    def runs_between(self, start: datetime | None, end: datetime | None, limit: int) -> list[UpcomingRun]:
        """The runs to come, oldest first (a one-off: its one moment), those at or after ``start`` and at
        or before ``end``; at most ``limit``. None while paused, finished or cancelled."""
        if self.status is not RequestStatus.SCHEDULED or self.next_run_at is None:
            return []
        if self.repeat is None:
            inside = (start is None or self.next_run_at >= start) and (end is None or self.next_run_at <= end)
            return [UpcomingRun(None, self.next_run_at, False)] if inside and limit > 0 else []
        found: list[UpcomingRun] = []
        number, moment = self.runs_started + 1, self.next_run_at
        while len(found) < limit and self.repeat.allows(number, moment) and (end is None or moment <= end):
            if start is None or moment >= start:
                found.append(UpcomingRun(number, moment, moment in self.skipped))
            number, moment = number + 1, self.repeat.next_run(moment)
        return found

    def pause(self, now: datetime) -> bool:
        """Scheduled → paused: no run starts (nothing is held, so nothing to release). False if already paused."""
        self._ensure_runs()
        if self.status is RequestStatus.PAUSED:
            return False
        self.status = RequestStatus.PAUSED
        self.next_run_at = None
        self.updated_at = now
        return True

    def resume(self, now: datetime) -> bool:
        """Paused → scheduled from the first occurrence after ``now`` (those that passed while paused are not
        runs and use up none of the count). False if it was not paused."""
        self._ensure_runs()
        if self.status is not RequestStatus.PAUSED:
            return False
        self._plan_after(now)
        return True

    def skip(self, run_at: datetime, now: datetime) -> bool:
        """One upcoming run will not start (it keeps its number and counts as one of the runs). False if it
        was skipped already; ``run_at`` must be one of the runs to come."""
        self._ensure_runs()
        if self.status is RequestStatus.PAUSED:
            raise RequestNotScheduled(details={"status": self.status.value})
        if run_at in self.skipped:
            return False
        runs = self.runs_between(run_at, run_at, 1)
        if not runs or runs[0].at != run_at:
            raise ValidationFailed({"run_at": "not_a_run"})
        if len(self.skipped) >= MAX_SKIPPED:
            raise ValidationFailed({"run_at": "too_many_skipped"})
        self.skipped = tuple(sorted((*self.skipped, run_at)))
        self.updated_at = now
        return True

    def unskip(self, run_at: datetime, now: datetime) -> bool:
        """A skipped run will start after all. False if it was not skipped."""
        self._ensure_runs()
        if run_at not in self.skipped:
            return False
        self.skipped = tuple(m for m in self.skipped if m != run_at)
        self.updated_at = now
        return True

    def change_end(self, until: date | None, count: int | None, now: datetime) -> None:
        """A new end (a last Tehran day and/or a number of runs in all); the next run must still be within it
        (to stop now, cancel the future runs)."""
        repeat = self._ensure_runs()
        if until is None and count is None:
            raise ValidationFailed({"count": "repeat_end_required"})
        if count is not None and count <= self.runs_started:
            raise ValidationFailed({"count": "below_runs_started"})
        if until is not None and until < tehran_day(now):
            raise ValidationFailed({"until": "not_future"})
        if until is not None and until > tehran_day(now + MAX_UNTIL):
            raise ValidationFailed({"until": "too_far"})
        changed = replace(repeat, until=until, count=count)
        upcoming = self.next_run_at if self.next_run_at is not None else changed.next_run(now)
        if not changed.allows(self.runs_started + 1, upcoming):
            raise ValidationFailed({"until": "before_next_run"})
        self.repeat = changed
        self.updated_at = now

    def start(self, now: datetime) -> None:
        if self.status is RequestStatus.CONFIRMED:
            self.status = RequestStatus.RUNNING
            self.started_at = now
            self.updated_at = now

    def account(self, settled: int, released: int, now: datetime) -> None:
        """Money of finished lines moved out of the hold."""
        if settled < 0 or released < 0 or self.settled + settled + self.released + released > self.total_held:
            raise ValueError("more money accounted for than the request holds")
        self.settled += settled
        self.released += released
        if settled or released:
            self.updated_at = now

    def finish(self, any_failed: bool, now: datetime) -> None:
        """Every line has a final outcome."""
        if self.status not in IN_FULFILMENT:
            return
        self.status = RequestStatus.COMPLETED_WITH_FAILURES if any_failed else RequestStatus.COMPLETED
        self.finished_at = now
        self.updated_at = now

    def cancel(self, now: datetime) -> bool:
        """Draft, confirmed (not started) or scheduled → cancelled; True when the hold must be released.

        A repeating request only stops its future runs (runs already started are their own requests)."""
        if self.status is RequestStatus.CANCELLED:
            return False
        if self.status not in (
            RequestStatus.DRAFT,
            RequestStatus.CONFIRMED,
            RequestStatus.SCHEDULED,
            RequestStatus.PAUSED,
        ):
            raise RequestStarted(details={"status": self.status.value})
        was_held = self.status in (RequestStatus.CONFIRMED, RequestStatus.SCHEDULED) and not self.repeating
        self.status = RequestStatus.CANCELLED
        self.next_run_at = None
        self.skipped = ()
        self.updated_at = now
        return was_held


@dataclass(frozen=True, slots=True)
class ProductTotal:
    product: str  # "airtime" or the package code
    title: str | None
    lines: int
    total: int


@dataclass(frozen=True, slots=True)
class Summary:
    lines: int
    valid: int
    invalid: int
    total: int
    by_product: list[ProductTotal]
    available: int

    @property
    def shortfall(self) -> int:
        return max(0, self.total - self.available)
