"""Ports of fulfilment: the stored work (lines of confirmed requests) in one unit of work with the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from kook.application.shared.ports import AuditLog, LedgerRepository, RequestRepository, UnitOfWork, WebhookOutbox
from kook.domain.recharges.fulfilment import LineChange, LineState, Policy
from kook.domain.recharges.request import Request
from kook.domain.routing.operator_routing import Route


@dataclass(frozen=True, slots=True)
class ClaimedLine:
    """A line taken for sending (or for an inquiry): what the operator call needs."""

    id: int
    request_id: str
    customer_id: str
    mobile: str
    operator: int
    product: str  # "airtime" or "package"
    amount: int | None
    package_code: str | None
    price: int
    attempt: int
    reference: str


@dataclass(frozen=True, slots=True)
class UnknownLine:
    """A line of finance's queue (or on its way there)."""

    id: int
    request_id: str
    request_name: str
    customer_id: str
    mobile: str
    operator: int
    product: str
    package_code: str | None
    price: int
    reference: str
    attempt: int
    checks: int
    unknown_since: datetime | None
    escalated: bool


@dataclass(frozen=True, slots=True)
class Progress:
    status: str
    lines: int
    pending: int
    sending: int
    succeeded: int
    failed: int
    unknown: int
    settled: int
    released: int
    held: int


@dataclass(frozen=True, slots=True)
class FulfilmentConfig:
    chunk_size: int = 100  # lines claimed together (and the most answers recorded together)
    window: int = 400  # the most lines one run has claimed and not yet recorded
    record_every_seconds: float = 0.2  # answers wait at most this long to be recorded together
    run_seconds: float = 20.0  # a run message hands over to a fresh one after this long
    parallel_runs: int = 4  # run messages started per request (several workers share it)
    slot_wait_seconds: float = 10.0  # wait for the route's rate/concurrency before giving a line back
    stale_after_seconds: float = 120.0  # a line 'sending' this long: its worker died → unknown, inquire
    idle_redispatch_seconds: float = 30.0  # a request with waiting lines and no claim this long is dispatched again
    notify_after_seconds: float = 30.0  # a finished request still not told this long after: tell again
    notice_lease_seconds: float = 300.0  # a teller that took the notice on and went silent is replaced after this
    batch_limit: int = 500  # lines per sweep/inquiry pass
    policy: Policy = field(default_factory=Policy)


class FulfilmentRepository(Protocol):
    async def request(self, request_id: str, *, for_update: bool = False) -> Request | None: ...

    async def claim(self, request_id: str, *, limit: int, skip_operators: set[int], now: datetime) -> list[ClaimedLine]:
        """Waiting lines → sending (attempt + 1, reference kept), atomically; the request must be locked."""
        ...

    async def lock_states(self, line_ids: Sequence[int]) -> list[LineState]: ...
    async def apply(self, changes: Sequence[LineChange], *, resolved_by: str | None = None) -> None: ...
    async def open_count(self, request_id: str) -> int:
        """Lines still waiting, sending or unknown."""
        ...

    async def count_status(self, request_id: str, status: str) -> int: ...
    async def status_counts(self, request_id: str) -> dict[str, int]: ...
    async def stale_sending(self, before: datetime, limit: int) -> list[LineState]: ...
    async def due_unknown(self, now: datetime, limit: int) -> list[ClaimedLine]: ...
    async def requests_to_dispatch(self, idle_before: datetime, limit: int) -> list[str]: ...
    async def requests_to_finish(self, limit: int) -> list[str]:
        """Requests in fulfilment without an open line (finished, not yet marked)."""
        ...

    async def requests_to_notify(self, finished_before: datetime, claimed_before: datetime, limit: int) -> list[str]:
        """Finished, not told, and no teller on it (none took it on after ``claimed_before``)."""
        ...

    async def mark_worked(self, request_ids: Sequence[str], now: datetime) -> None: ...
    async def unknown_lines(self, *, after_id: int | None, limit: int) -> list[UnknownLine]: ...
    async def line_state(self, line_id: int) -> LineState | None: ...
    async def line_resolution(self, line_id: int) -> tuple[str, str | None] | None:
        """(status, resolved_by) of a line."""
        ...


class FulfilmentUnitOfWork(UnitOfWork, Protocol):
    work: FulfilmentRepository
    requests: RequestRepository
    ledger: LedgerRepository
    audit: AuditLog
    webhooks: WebhookOutbox  # line outcomes and finished requests, in the same transaction


@dataclass(frozen=True, slots=True)
class Slot:
    operator: int  # int(route.operator)
    token: str  # unique per acquisition
    probe: bool = False  # admitted as the half-open breaker's probe


class RouteLimiter(Protocol):
    async def acquire(self, route: Route, *, wait_seconds: float) -> Slot | None: ...
    async def release(self, slot: Slot, *, healthy: bool) -> None: ...
    async def open_operators(self) -> set[int]: ...
