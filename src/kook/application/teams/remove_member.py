"""Members of a customer (issue 18): who belongs, with which role; invitations by mobile number."""

from __future__ import annotations

from kook.application.teams.ports import TeamsUnitOfWork
from kook.application.teams.team import Acting
from kook.domain.customers.members import Action, OwnerNotRemovable, Role, require
from kook.domain.shared.errors import NotFound


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
