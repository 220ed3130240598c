from __future__ import annotations

from dataclasses import dataclass

from kook.application.identity.password_login import PasswordLogin
from kook.application.identity.ports import IdentityUnitOfWork
from kook.domain.identity.user import User


@dataclass(frozen=True)
class LogInCommand:
    mobile: str
    password: str
    client_address: str


async def _find_user(uow: IdentityUnitOfWork, mobile: str, for_update: bool) -> User | None:
    return await uow.users.by_mobile(mobile, for_update=for_update)


class LogIn:
    """Mobile and password; repeated failures lock password login for a while."""

    def __init__(self, login: PasswordLogin) -> None:
        self._login = login

    async def __call__(self, command: LogInCommand) -> User:
        return await self._login.check(
            _find_user,
            lambda user: user.is_active,
            lambda user: user.password_hash,
            command.mobile,
            command.password,
            command.client_address,
        )
