"""``run_at``: one of the runs to come, as listed (ISO 8601 with an offset, or Jalali in Tehran time)."""

from __future__ import annotations

from datetime import datetime

from kook.application.recharges.runs_action import RunsAction
from kook.domain.recharges.request import Request
from kook.domain.recharges.schedule import parse_moment


class SkipRun(RunsAction):
    """``run_at``: one of the runs to come, as listed (ISO 8601 with an offset, or Jalali in Tehran time)."""

    async def __call__(self, request_id: str, customer_id: str, run_at: object, *, undo: bool = False) -> Request:
        moment = parse_moment(run_at, "run_at")

        def change(request: Request, now: datetime) -> bool:
            return request.unskip(moment, now) if undo else request.skip(moment, now)

        action = "request.run_unskipped" if undo else "request.run_skip_chosen"
        return await self._change(request_id, customer_id, action, change)
