"""In-memory scheduled and repeating requests: the requests' fake plus the due query and run copies."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from kook.application.recharges.schedule_ports import ScheduleRepository, SchedulesUnitOfWork
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
