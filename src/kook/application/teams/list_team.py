"""Members of a customer (issue 18): who belongs, with which role; invitations by mobile number."""

from __future__ import annotations

from dataclasses import dataclass

from kook.application.teams.ports import MemberView, TeamsUnitOfWork
from kook.application.teams.team import Acting
from kook.domain.customers.members import Action, Invitation, require


@dataclass(frozen=True)
class Team:
    members: list[MemberView]
    invitations: list[Invitation]


class ListTeam:
    def __init__(self, uow: TeamsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, acting: Acting) -> Team:
        require(acting.role, Action.READ)
        async with self._uow as uow:
            return Team(
                await uow.members.views(acting.customer_id), await uow.invitations.pending_of(acting.customer_id)
            )
