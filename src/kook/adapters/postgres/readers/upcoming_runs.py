"""The runs of a customer's scheduled and repeating requests, for the calendar (SPEC §10).

- a one-off scheduled request: its ``schedule_at`` (whatever became of it since);
- a run a repeating request made: when it was made, with its own status;
- a repeating request still scheduled: its coming occurrences, from ``next_run_at``
  on, computed from its ``Repeat`` rule up to the repeat's end.

Read-only; a paused request (status ``paused``) shows no coming occurrences, and an occurrence the
customer skipped shows as ``skipped``.
"""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.tables.requests import requests
from kook.application.calendar.ports import RunOnCalendar, UpcomingRuns
from kook.domain.recharges.request import RequestStatus
from kook.domain.recharges.schedule import Repeat

R = requests.c
MAX_RUNS = 2000


class SqlUpcomingRuns(UpcomingRuns):
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = session_factory

    async def between(self, customer_id: str, start: datetime, end: datetime) -> list[RunOnCalendar]:
        found: list[RunOnCalendar] = []
        async with self._factory() as session:
            one_offs = await session.execute(
                sa.select(R.id, R.name, R.schedule_at, R.status)
                .where(
                    R.customer_id == customer_id,
                    R.repeat.is_(None),
                    R.parent_id.is_(None),
                    R.schedule_at >= start,
                    R.schedule_at < end,
                    R.status != RequestStatus.CANCELLED.value,
                )
                .limit(MAX_RUNS)
            )
            found += [RunOnCalendar(row.id, row.name, row.schedule_at, row.status) for row in one_offs]
            made = await session.execute(
                sa.select(R.id, R.name, R.created_at, R.status)
                .where(
                    R.customer_id == customer_id,
                    R.parent_id.is_not(None),
                    R.created_at >= start,
                    R.created_at < end,
                )
                .limit(MAX_RUNS)
            )
            found += [RunOnCalendar(row.id, row.name, row.created_at, row.status) for row in made]
            templates = await session.execute(
                sa.select(R.id, R.name, R.repeat, R.next_run_at, R.runs_started, R.skipped_runs).where(
                    R.customer_id == customer_id,
                    R.repeat.is_not(None),
                    R.status == RequestStatus.SCHEDULED.value,
                    R.next_run_at.is_not(None),
                    R.next_run_at < end,
                )
            )
            for row in templates:
                rule = Repeat.from_json(json.loads(row.repeat))
                skipped = frozenset(row.skipped_runs or ())
                found += _occurrences(
                    row.id, row.name, rule, row.next_run_at, row.runs_started + 1, start, end, skipped
                )
        found.sort(key=lambda run: (run.at, run.request_id))
        return found[:MAX_RUNS]


def _occurrences(
    request_id: str,
    name: str,
    rule: Repeat,
    moment: datetime,
    number: int,
    start: datetime,
    end: datetime,
    skipped: frozenset[datetime] = frozenset(),
) -> list[RunOnCalendar]:
    runs: list[RunOnCalendar] = []
    while moment < end and rule.allows(number, moment) and len(runs) < MAX_RUNS:
        if moment >= start:
            status = "skipped" if moment in skipped else RequestStatus.SCHEDULED.value
            runs.append(RunOnCalendar(request_id, name, moment, status))
        moment = rule.next_run(moment)
        number += 1
    return runs
