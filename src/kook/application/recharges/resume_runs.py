"""The runs of a repeating request (SPEC §7, §10): the list (past runs with their outcome counts and money,"""

from __future__ import annotations

from kook.application.recharges.runs_action import RunsAction
from kook.domain.recharges.request import Request


class ResumeRuns(RunsAction):
    async def __call__(self, request_id: str, customer_id: str) -> Request:
        return await self._change(request_id, customer_id, "request.resumed", Request.resume)
