"""In-memory scheduled and repeating requests: the requests' fake plus the due query and run copies."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from kook.application.recharges.ports import (
    NOT_FUNDED,
    REMINDER,
    SKIPPED,
    RunNote,
    ScheduleRepository,
    SchedulesUnitOfWork,
    StartedRun,
)
from kook.domain.recharges.request import Request, RequestStatus
from kook.domain.shared.errors import Conflict
from tests.fakes.requests import FakeRequestsUnitOfWork, RequestsState


class FakeScheduleRepository(ScheduleRepository):
    def __init__(self, state: RequestsState) -> None:
        self.state = state

    async def due(self, now: datetime, limit: int) -> list[tuple[str, str]]:
        found = [
            r
            for r in self.state.requests.values()
            if r.status is RequestStatus.SCHEDULED and r.next_run_at is not None and r.next_run_at <= now
        ]
        found.sort(key=lambda r: (r.next_run_at or now, r.id))
        return [(r.id, r.customer_id) for r in found[:limit]]

    async def run_of(self, parent_id: str, run_number: int) -> str | None:
        for r in self.state.requests.values():
            if r.parent_id == parent_id and r.run_number == run_number:
                return r.id
        return None

    async def copy_lines(self, template: Request, run: Request, now: datetime) -> int:
        if run.parent_id is not None and run.run_number is not None:
            twins = [
                r
                for r in self.state.requests.values()
                if (r.parent_id, r.run_number) == (run.parent_id, run.run_number)
            ]
            if len(twins) > 1:  # the unique key (parent_id, run_number)
                raise Conflict()
        copied = 0
        for view in sorted(self.state.lines.values(), key=lambda v: v.id):
            if view.request_id == template.id and view.status == "valid":
                line_id = self.state.next_id
                self.state.next_id += 1
                self.state.lines[line_id] = replace(view, id=line_id, request_id=run.id, created_at=now)
                copied += 1
        return copied

    async def note(self, note: RunNote, now: datetime, *, claim: bool) -> bool:
        key = (note.parent_id, note.run_at, note.kind)
        if key in self.state.run_log:
            return False
        told = note.kind == SKIPPED
        self.state.run_log[key] = [note, now if claim or told else None, now if told else None]
        return True

    async def claim_unsent(self, now: datetime, lease: timedelta, limit: int) -> list[RunNote]:
        found: list[RunNote] = []
        for entry in self.state.run_log.values():
            note, claimed, sent = entry
            assert isinstance(note, RunNote)
            free = claimed is None or (isinstance(claimed, datetime) and claimed < now - lease)
            if sent is None and note.kind in (NOT_FUNDED, REMINDER) and free and len(found) < limit:
                entry[1] = now
                found.append(note)
        return found

    async def mark_sent(self, note: RunNote, now: datetime) -> None:
        self.state.run_log[(note.parent_id, note.run_at, note.kind)][2] = now

    async def notes_of(self, parent_id: str) -> list[RunNote]:
        notes = [e[0] for e in self.state.run_log.values()]
        return sorted(
            (n for n in notes if isinstance(n, RunNote) and n.parent_id == parent_id and n.kind != REMINDER),
            key=lambda n: n.run_at,
        )

    async def reminder_due(self, now: datetime, horizon: datetime, limit: int) -> list[tuple[str, str]]:
        found = [
            r
            for r in self.state.requests.values()
            if r.status is RequestStatus.SCHEDULED
            and r.repeat is not None
            and r.next_run_at is not None
            and now < r.next_run_at <= horizon
            and (r.id, r.next_run_at, REMINDER) not in self.state.run_log
        ]
        found.sort(key=lambda r: (r.next_run_at or now, r.id))
        return [(r.id, r.customer_id) for r in found[:limit]]

    async def started_runs(self, parent_id: str) -> list[StartedRun]:
        runs = sorted(
            (r for r in self.state.requests.values() if r.parent_id == parent_id), key=lambda r: r.run_number or 0
        )
        found: list[StartedRun] = []
        for run in runs:
            by: dict[str, int] = {}
            for view in self.state.lines.values():
                if view.request_id == run.id:
                    by[view.status] = by.get(view.status, 0) + 1
            found.append(
                StartedRun(
                    number=run.run_number or 0,
                    request_id=run.id,
                    status=run.status.value,
                    started_at=run.confirmed_at or run.created_at,
                    lines=sum(by.values()),
                    pending=by.get("valid", 0) + by.get("sending", 0),
                    succeeded=by.get("succeeded", 0),
                    failed=by.get("failed", 0),
                    unknown=by.get("unknown", 0),
                    total=run.total_held,
                    settled=run.settled,
                    released=run.released,
                    held=run.held,
                )
            )
        return found

    async def scheduled_of(self, customer_id: str) -> list[Request]:
        return [
            r
            for r in self.state.requests.values()
            if r.customer_id == customer_id and r.status is RequestStatus.SCHEDULED
        ]

    def log(self) -> dict[Any, Any]:
        return self.state.run_log


class FakeSchedulesUnitOfWork(FakeRequestsUnitOfWork, SchedulesUnitOfWork):
    schedules: ScheduleRepository

    def _bind(self, state: RequestsState) -> None:
        super()._bind(state)
        self.schedules = FakeScheduleRepository(state)

    def requests_of(self, customer_id: str) -> list[Request]:
        return sorted(
            (r for r in self.committed.requests.values() if r.customer_id == customer_id), key=lambda r: r.created_at
        )

    def runs_of(self, template_id: str) -> list[Request]:
        runs = [r for r in self.committed.requests.values() if r.parent_id == template_id]
        return sorted(runs, key=lambda r: r.run_number or 0)
