"""An owner or admin invites a colleague by mobile number with a role; an SMS tells them."""

from __future__ import annotations

from kook.application.shared.ports import Clock
from kook.application.teams.ports import ApprovalCodes, TeamsUnitOfWork
from kook.application.teams.team import Acting, parse_role
from kook.domain.customers.members import Action, AlreadyMember, Invitation, Role, require
from kook.domain.shared.ids import new_id
from kook.domain.shared.mobile import normalize_mobile


def invitation_text(role: Role) -> str:
    return (
        "کوک\nشما به عنوان عضو یک حساب سازمانی دعوت شده‌اید. با همین شماره ثبت نام کنید یا وارد شوید "
        "و دعوت را در صفحه «دعوت‌ها» بپذیرید. این دعوت تا ۷ روز معتبر است."
    )


class InviteMember:
    """An owner or admin invites a colleague by mobile number with a role; an SMS tells them."""

    def __init__(self, uow: TeamsUnitOfWork, clock: Clock, sender: ApprovalCodes) -> None:
        self._uow = uow
        self._clock = clock
        self._sender = sender

    async def __call__(self, acting: Acting, mobile: str, role: str) -> Invitation:
        require(acting.role, Action.MEMBERS)
        number = normalize_mobile(mobile)
        wanted = parse_role(role)
        now = self._clock.now()
        async with self._uow as uow:
            user = await uow.users.by_mobile(number)
            if user is not None and await uow.members.of_user(user.id) is not None:
                raise AlreadyMember()
            previous = await uow.invitations.pending_for(number)
            if previous is not None and previous.customer_id == acting.customer_id:
                previous.withdrawn_at = now  # a new invitation replaces the previous one
                await uow.invitations.save(previous)
            invitation = Invitation.issue(
                id=new_id(),
                customer_id=acting.customer_id,
                mobile=number,
                role=wanted,
                invited_by=acting.user_id,
                now=now,
            )
            await uow.invitations.add(invitation)
            await uow.audit.record(
                actor=acting.customer_id,
                action="member.invited",
                subject=invitation.id,
                after={"mobile": number, "role": wanted.value},
            )
            await uow.commit()
        await self._sender.send_text(number, invitation_text(wanted))
        return invitation
