"""An occurrence handled: a started run (``run``), or one that made no run (not funded, skipped)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from kook.application.recharges.owned_request import owned_request
from kook.application.recharges.ports import SchedulesUnitOfWork, StartedRun
from kook.application.shared.ports import Clock
from kook.domain.recharges.request import Request, UpcomingRun

UPCOMING: Final = 50  # runs to come shown with a request


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
