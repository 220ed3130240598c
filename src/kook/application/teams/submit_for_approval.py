"""The maker asks for another member's approval; the approvers are told (portal message)."""

from __future__ import annotations

from kook.application.shared.ports import Clock
from kook.application.teams.approval_texts import format_rials
from kook.application.teams.ports import RequestSummaries, TeamsUnitOfWork
from kook.application.teams.team import Acting
from kook.domain.customers.members import Action, Approval, ApprovalStatus, Role, require
from kook.domain.messaging.message import Message
from kook.domain.recharges.request import InvalidLines
from kook.domain.shared.errors import NotFound, ValidationFailed
from kook.domain.shared.ids import new_id

APPROVAL_REQUESTED = "approval_requested"


class SubmitForApproval:
    """The maker asks for another member's approval; the approvers are told (portal message)."""

    def __init__(self, uow: TeamsUnitOfWork, clock: Clock, summarize: RequestSummaries) -> None:
        self._uow = uow
        self._clock = clock
        self._summarize = summarize

    async def __call__(self, acting: Acting, request_id: str) -> Approval:
        require(acting.role, Action.CONFIRM)
        summary = await self._summarize(request_id, acting.customer_id)
        if summary.invalid:
            raise InvalidLines(summary.invalid)
        if not summary.valid:
            raise ValidationFailed({"lines": "required"})
        now = self._clock.now()
        async with self._uow as uow:
            request = await uow.requests.get(request_id, acting.customer_id, for_update=True)
            if request is None:
                raise NotFound()
            request.ensure_draft()
            existing = await uow.approvals.get(request_id, acting.customer_id, for_update=True)
            if (
                existing is not None
                and existing.status is ApprovalStatus.PENDING
                and (existing.maker_user_id == acting.user_id and existing.total == summary.total)
            ):
                return existing  # asked again: the same
            approval = Approval(request_id, acting.customer_id, acting.user_id, summary.total, now)
            await uow.approvals.put(approval)
            for member in await uow.members.of_customer(acting.customer_id):
                if member.user_id != acting.user_id and member.role in (Role.OWNER, Role.ADMIN, Role.APPROVER):
                    await uow.messages.add(
                        Message(
                            new_id(),
                            member.user_id,
                            APPROVAL_REQUESTED,
                            f"درخواست «{request.name}» منتظر تأیید شماست",
                            f"مبلغ کل {format_rials(summary.total)} ریال. برای تأیید، صفحهٔ درخواست را باز کنید.",
                            now,
                            acting.customer_id,
                        )
                    )
            await uow.audit.record(
                actor=acting.customer_id,
                action="request.approval_requested",
                subject=request_id,
                after={"total": summary.total},
            )
            await uow.commit()
            return approval
