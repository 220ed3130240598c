"""The approval's texts and lookups shared by the approval use cases."""

from __future__ import annotations

from kook.application.teams.ports import TeamsUnitOfWork
from kook.application.teams.team import Acting
from kook.domain.customers.members import Approval, ApprovalStatus
from kook.domain.shared.errors import NotFound


def format_rials(amount: int) -> str:
    return f"{amount:,}"


async def pending_approval(uow: TeamsUnitOfWork, acting: Acting, request_id: str) -> Approval:
    approval = await uow.approvals.get(request_id, acting.customer_id, for_update=True)
    if approval is None or approval.status is not ApprovalStatus.PENDING:
        raise NotFound()
    approval.ensure_not_maker(acting.user_id)
    return approval
