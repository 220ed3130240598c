"""The runs of a repeating request (SPEC §7, §10): the list (past runs with their outcome counts and money,"""

from __future__ import annotations

from datetime import datetime

from kook.application.recharges.runs_action import RunsAction
from kook.domain.recharges.request import Request
from kook.domain.recharges.schedule import parse_end


class ChangeRunsEnd(RunsAction):
    async def __call__(self, request_id: str, customer_id: str, until: object, count: object) -> Request:
        day, runs = parse_end(until, count)

        def change(request: Request, now: datetime) -> None:
            request.change_end(day, runs, now)

        return await self._change(request_id, customer_id, "request.end_changed", change)
