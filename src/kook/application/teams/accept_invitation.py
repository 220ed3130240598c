"""The invited person, signed in with their own mobile, password and SMS code, joins the customer."""

from __future__ import annotations

from kook.application.shared.ports import Clock
from kook.application.teams.ports import TeamsUnitOfWork
from kook.domain.customers.members import AlreadyMember, InvitationInvalid, Member


class AcceptInvitation:
    """The invited person, signed in with their own mobile, password and SMS code, joins the customer."""

    def __init__(self, uow: TeamsUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, user_id: str) -> Member:
        now = self._clock.now()
        async with self._uow as uow:
            user = await uow.users.get(user_id)
            if user is None:
                raise InvitationInvalid()
            invitation = await uow.invitations.pending_for(user.mobile)
            if invitation is None:
                raise InvitationInvalid()
            if await uow.members.of_user(user_id) is not None:
                raise AlreadyMember()
            invitation.accept(now)  # expired → invitation_expired
            member = Member(invitation.customer_id, user_id, invitation.role, now, invitation.invited_by)
            await uow.members.add(member)
            await uow.invitations.save(invitation)
            await uow.audit.record(
                actor=invitation.customer_id,
                action="member.joined",
                subject=user_id,
                after={"role": invitation.role.value, "invitation": invitation.id},
            )
            await uow.commit()
            return member
