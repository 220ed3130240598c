"""Members of a customer (issue 18): who belongs, with which role; invitations by mobile number."""

from __future__ import annotations

from kook.application.shared.ports import Clock
from kook.application.teams.ports import TeamsUnitOfWork
from kook.application.teams.team import Acting
from kook.domain.customers.members import Action, require
from kook.domain.shared.errors import NotFound


class WithdrawInvitation:
    def __init__(self, uow: TeamsUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, acting: Acting, invitation_id: str) -> None:
        require(acting.role, Action.MEMBERS)
        async with self._uow as uow:
            invitation = await uow.invitations.get(invitation_id, acting.customer_id)
            if invitation is None or not invitation.is_pending:
                raise NotFound()
            invitation.withdrawn_at = self._clock.now()
            await uow.invitations.save(invitation)
            await uow.audit.record(
                actor=acting.customer_id, action="member.invitation_withdrawn", subject=invitation_id
            )
            await uow.commit()
