"""The invitation waiting for the user's own mobile number, if any."""

from __future__ import annotations

from kook.application.teams.ports import TeamsUnitOfWork
from kook.domain.customers.members import Invitation


class GetPendingInvitation:
    """The invitation waiting for the user's own mobile number, if any."""

    def __init__(self, uow: TeamsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, user_id: str) -> Invitation | None:
        async with self._uow as uow:
            user = await uow.users.get(user_id)
            return None if user is None else await uow.invitations.pending_for(user.mobile)
