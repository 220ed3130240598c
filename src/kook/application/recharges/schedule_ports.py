"""Ports of scheduled and repeating requests (SPEC §7): what is due, and copying a template's lines into a run."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from kook.application.recharges.request_ports import RequestsUnitOfWork
from kook.domain.recharges.request import Request


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


class SchedulesUnitOfWork(RequestsUnitOfWork, Protocol):
    schedules: ScheduleRepository
