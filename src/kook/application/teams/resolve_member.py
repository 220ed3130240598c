"""The user's membership (customer and role), or None when they belong to no customer yet."""

from __future__ import annotations

from kook.application.teams.ports import TeamsUnitOfWork
from kook.domain.customers.members import Member


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
