"""The user's membership (customer and role), or None when they belong to no customer yet."""

from __future__ import annotations

from kook.application.teams.ports import TeamsUnitOfWork
from kook.domain.customers.members import Member


class ResolveMember:
    """The user's membership (customer and role), or None when they belong to no customer yet."""

    def __init__(self, uow: TeamsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, user_id: str) -> Member | None:
        async with self._uow as uow:
            return await uow.members.of_user(user_id)
