"""Fulfilment rules (SPEC §8): how a line moves once its request is confirmed,
and what each move does to the money held for it.

A line of a confirmed request waits as ``valid`` (read as *pending*: the
confirmation holds the whole total and touches no line, so confirming 100,000
lines stays one posting and one row). Then::

    valid ──claim──▶ sending ──succeeded──▶ succeeded      settle its price to the operator
                        │    ──failed─────▶ failed         release its price to available
                        │    ──not sent───▶ valid          (a definite "never reached the operator":
                        │                                   sent again later, same reference)
                        └──unknown / stale─▶ unknown ──inquiry: applied──▶ succeeded
                                               │     ──inquiry: failed───▶ failed
                                               │     ──inquiry: not found─▶ valid (new attempt, same reference;
                                               │                            after max_attempts: escalated)
                                               │     ──still unknown──────▶ unknown (backoff)
                                               └──past the window────────▶ unknown, escalated (finance's queue)

Every line keeps one operator reference for all its attempts, so the operator
applies it at most once whatever is sent again. An unknown line is never
released and never sent again before an inquiry answered "not found".
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from kook.domain.recharges.line import LineStatus
from kook.domain.shared.errors import Conflict

# stored line statuses: the lines' own vocabulary (LineStatus); a waiting line is a valid line of a confirmed request

OPEN_STATUSES: Final = (
    LineStatus.VALID,
    LineStatus.SENDING,
    LineStatus.UNKNOWN,
)  # a request with any of these is not finished
FINAL_STATUSES: Final = (LineStatus.SUCCEEDED, LineStatus.FAILED)


class Answer(enum.StrEnum):
    """What the operator said about a reference (a send or an inquiry)."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"  # definitely not applied, and never will be
    NOT_SENT = "not_sent"  # definitely did not reach the operator: safe to send again
    NOT_TAKEN = "not_taken"  # the route had no room (limits, open breaker): never tried, attempt not counted
    UNKNOWN = "unknown"  # may or may not have been applied
    NOT_FOUND = "not_found"  # inquiry: the operator never received the reference


class LedgerMove(enum.StrEnum):
    SETTLE = "settle"  # held → the operator's account
    RELEASE = "release"  # held → available


class LineNotUnknown(Conflict):
    code = "line_not_unknown"


class AlreadyResolved(Conflict):
    code = "already_resolved"


def reference_for(line_id: int) -> str:
    """The line's operator reference: the same for every attempt, unique in this database."""
    return f"kook-{line_id}"


@dataclass(frozen=True, slots=True)
class Policy:
    max_attempts: int = 5  # sends that certainly never reached the operator, before the line fails
    first_check_seconds: float = 2.0  # the first inquiry after an unknown answer
    max_check_seconds: float = 300.0  # backoff cap
    inquiry_window_seconds: float = 1800.0  # unknown longer than this → finance's queue

    def check_delay(self, checks: int) -> timedelta:
        """Exponential backoff of inquiries: 2 s, 4 s, 8 s … capped."""
        seconds = min(self.first_check_seconds * (2 ** min(checks, 30)), self.max_check_seconds)
        return timedelta(seconds=seconds)


@dataclass(frozen=True, slots=True)
class LineState:
    """What a worker needs of a stored line to decide its next move."""

    id: int
    request_id: str
    status: str
    attempt: int
    price: int
    operator: int
    checks: int = 0
    unknown_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class LineChange:
    """The new stored state of a line, and the money it moves (if any)."""

    id: int
    status: str
    move: LedgerMove | None = None
    price: int = 0
    operator: int = 0
    code: str | None = None
    provider_ref: str | None = None
    finished_at: datetime | None = None
    next_check_at: datetime | None = None
    checks: int = 0
    unknown_since: datetime | None = None
    escalated: bool = False
    attempt: int | None = None  # None: unchanged


def decide(
    line: LineState,
    answer: Answer,
    now: datetime,
    policy: Policy,
    *,
    code: str | None = None,
    provider_ref: str | None = None,
) -> LineChange | None:
    """The move ``answer`` makes for ``line``; ``None`` when it changes nothing.

    A final line never moves again (a late or repeated answer is ignored).
    ``NOT_FOUND`` only counts for a line whose outcome is unknown: a line
    being sent may not have reached the operator *yet*.
    """
    if line.status in FINAL_STATUSES:
        return None

    def change(status: str, **extra: Any) -> LineChange:
        base = LineChange(
            id=line.id, status=status, price=line.price, operator=line.operator, code=code, provider_ref=provider_ref
        )
        return dataclasses.replace(base, **extra)

    if answer is Answer.SUCCEEDED:
        return change(LineStatus.SUCCEEDED, move=LedgerMove.SETTLE, finished_at=now)
    if answer is Answer.FAILED:
        return change(LineStatus.FAILED, move=LedgerMove.RELEASE, finished_at=now)
    if answer is Answer.NOT_TAKEN:
        return change(LineStatus.VALID, attempt=max(0, line.attempt - 1)) if line.status == LineStatus.SENDING else None
    if answer is Answer.NOT_SENT:
        if line.status != LineStatus.SENDING:
            return None
        if line.attempt >= policy.max_attempts:
            return change(
                LineStatus.FAILED, move=LedgerMove.RELEASE, finished_at=now, code=code or "operator_unreachable"
            )
        return change(LineStatus.VALID)
    if answer is Answer.NOT_FOUND:
        if line.status != LineStatus.UNKNOWN:
            return None
        if line.attempt >= policy.max_attempts:
            # sent this often and never received: something is wrong with this number or the route —
            # finance decides (the money stays held; the operator may still answer later)
            since = line.unknown_since or now
            return change(
                LineStatus.UNKNOWN,
                code=code or "not_received",
                checks=line.checks + 1,
                unknown_since=since,
                escalated=True,
            )
        return change(LineStatus.VALID)
    # unknown: inquire later; past the window the line waits for finance, money still held
    since = line.unknown_since or now
    checks = line.checks + 1 if line.status == LineStatus.UNKNOWN else 0
    escalated = (now - since).total_seconds() >= policy.inquiry_window_seconds
    return change(
        LineStatus.UNKNOWN,
        next_check_at=None if escalated else now + policy.check_delay(checks),
        checks=checks,
        unknown_since=since,
        escalated=escalated,
    )


def resolve_by_staff(line: LineState, succeeded: bool, now: datetime) -> LineChange:
    """Finance decides an unknown line (after asking the operator out of band)."""
    if line.status in FINAL_STATUSES:
        raise AlreadyResolved(details={"status": line.status})
    if line.status != LineStatus.UNKNOWN:
        raise LineNotUnknown(details={"status": line.status})
    answer = Answer.SUCCEEDED if succeeded else Answer.FAILED
    change = decide(line, answer, now, Policy(), code="resolved_by_staff")
    assert change is not None
    return change


@dataclass(frozen=True, slots=True)
class MoneyMoves:
    """The ledger postings a batch of changes needs: settlements per operator, one release."""

    settle_by_operator: dict[int, int]
    release: int

    @property
    def settled(self) -> int:
        return sum(self.settle_by_operator.values())


def money_of(changes: list[LineChange]) -> MoneyMoves:
    settle: dict[int, int] = {}
    release = 0
    for change in changes:
        if change.move is LedgerMove.SETTLE:
            settle[change.operator] = settle.get(change.operator, 0) + change.price
        elif change.move is LedgerMove.RELEASE:
            release += change.price
    return MoneyMoves({op: amount for op, amount in settle.items() if amount}, release)
