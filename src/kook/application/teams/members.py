"""Members of a customer (issue 18): who belongs, with which role; invitations by mobile number."""

from __future__ import annotations

from dataclasses import dataclass

from kook.application.identity.code_sender import CodeSender
from kook.application.shared.ports import Clock
from kook.application.teams.ports import MemberView, TeamsUnitOfWork
from kook.domain.customers.members import (
    Action,
    AlreadyMember,
    Invitation,
    InvitationInvalid,
    Member,
    OwnerNotRemovable,
    Role,
    RoleForbidden,
    ensure_an_owner_remains,
    require,
)
from kook.domain.shared.errors import NotFound, ValidationFailed
from kook.domain.shared.ids import new_id
from kook.domain.shared.mobile import normalize_mobile


@dataclass(frozen=True)
class Acting:
    """The member acting: their customer, their person and their role."""

    customer_id: str
    user_id: str
    role: Role


@dataclass(frozen=True)
class Team:
    members: list[MemberView]
    invitations: list[Invitation]


def parse_role(value: str, field: str = "role") -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationFailed({field: "invalid"}) from None


class ResolveMember:
    """The user's membership (customer and role), or None when they belong to no customer yet."""

    def __init__(self, uow: TeamsUnitOfWork, known: dict[str, Member | None] | None = None) -> None:
        self._uow = uow
        self._known = known if known is not None else {}  # read with the caller (CallerFacts.members)

    async def __call__(self, user_id: str) -> Member | None:
        if user_id in self._known:
            return self._known[user_id]
        async with self._uow as uow:
            return await uow.members.of_user(user_id)


class ListTeam:
    def __init__(self, uow: TeamsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, acting: Acting) -> Team:
        require(acting.role, Action.READ)
        async with self._uow as uow:
            return Team(
                await uow.members.views(acting.customer_id), await uow.invitations.pending_of(acting.customer_id)
            )


def invitation_text(role: Role) -> str:
    return (
        "کوک\nشما به عنوان عضو یک حساب سازمانی دعوت شده‌اید. با همین شماره ثبت نام کنید یا وارد شوید "
        "و دعوت را در صفحه «دعوت‌ها» بپذیرید. این دعوت تا ۷ روز معتبر است."
    )


class InviteMember:
    """An owner or admin invites a colleague by mobile number with a role; an SMS tells them."""

    def __init__(self, uow: TeamsUnitOfWork, clock: Clock, sender: CodeSender) -> None:
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


class PendingInvitation:
    """The invitation waiting for the user's own mobile number, if any."""

    def __init__(self, uow: TeamsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, user_id: str) -> Invitation | None:
        async with self._uow as uow:
            user = await uow.users.get(user_id)
            return None if user is None else await uow.invitations.pending_for(user.mobile)


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


class ChangeMemberRole:
    def __init__(self, uow: TeamsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, acting: Acting, user_id: str, role: str) -> Member:
        require(acting.role, Action.MEMBERS)
        wanted = parse_role(role)
        async with self._uow as uow:
            members = await uow.members.of_customer(acting.customer_id, for_update=True)
            target = next((m for m in members if m.user_id == user_id), None)
            if target is None:
                raise NotFound()
            if Role.OWNER in (wanted, target.role) and acting.role is not Role.OWNER:
                raise RoleForbidden(details={"role": acting.role.value, "action": "owner_role"})
            ensure_an_owner_remains(members, user_id, wanted)
            before = target.role
            target.role = wanted
            await uow.members.save(target)
            await uow.audit.record(
                actor=acting.customer_id,
                action="member.role_changed",
                subject=user_id,
                before={"role": before.value},
                after={"role": wanted.value},
            )
            await uow.commit()
            return target


class RemoveMember:
    def __init__(self, uow: TeamsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, acting: Acting, user_id: str) -> None:
        require(acting.role, Action.MEMBERS)
        async with self._uow as uow:
            members = await uow.members.of_customer(acting.customer_id, for_update=True)
            target = next((m for m in members if m.user_id == user_id), None)
            if target is None:
                raise NotFound()
            if target.role is Role.OWNER:
                raise OwnerNotRemovable()
            await uow.members.remove(user_id)
            await uow.audit.record(
                actor=acting.customer_id, action="member.removed", subject=user_id, before={"role": target.role.value}
            )
            await uow.commit()
