""""""

from __future__ import annotations

from kook.application.identity.ports import IdentityUnitOfWork
from kook.domain.identity.user import User


class GetUser:
    def __init__(self, uow: IdentityUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, user_id: str) -> User | None:
        async with self._uow as uow:
            user = await uow.users.get(user_id)
        return user if user is not None and user.is_active else None
