"""Members of a customer (issue 18): who belongs, with which role; invitations by mobile number."""

from __future__ import annotations

from kook.application.teams.ports import TeamsUnitOfWork
from kook.application.teams.team import Acting, parse_role
from kook.domain.customers.members import Action, Member, Role, RoleForbidden, ensure_an_owner_remains, require
from kook.domain.shared.errors import NotFound


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
