"""Maker-checker (issue 18): the approval rules, submitting a request for approval, and another member"""

from __future__ import annotations

from dataclasses import dataclass

from kook.application.teams.ports import TeamsUnitOfWork
from kook.application.teams.team import Acting
from kook.domain.customers.members import Action, Approval, require
from kook.domain.shared.errors import NotFound


@dataclass(frozen=True)
class ApprovalView:
    approval: Approval | None
    maker_name: str | None


class GetApproval:
    def __init__(self, uow: TeamsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, acting: Acting, request_id: str) -> ApprovalView:
        require(acting.role, Action.READ)
        async with self._uow as uow:
            if await uow.requests.get(request_id, acting.customer_id) is None:
                raise NotFound()
            approval = await uow.approvals.get(request_id, acting.customer_id)
            maker = await uow.users.get(approval.maker_user_id) if approval else None
        return ApprovalView(approval, f"{maker.first_name} {maker.last_name}" if maker else None)
