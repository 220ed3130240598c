"""Maker-checker (issue 18): the approval rules, submitting a request for approval, and another member"""

from __future__ import annotations

from kook.application.teams.ports import TeamsUnitOfWork
from kook.application.teams.team import Acting
from kook.domain.customers.members import Action, ApprovalPolicy, require


class GetApprovalPolicy:
    def __init__(self, uow: TeamsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, acting: Acting) -> ApprovalPolicy:
        require(acting.role, Action.READ)
        async with self._uow as uow:
            return await uow.policies.get(acting.customer_id)
