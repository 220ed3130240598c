from __future__ import annotations

from kook.application.identity.log_in import LogInCommand
from kook.application.identity.password_login import PasswordLogin
from kook.application.identity.ports import IdentityUnitOfWork
from kook.domain.identity.staff import StaffMember


async def _find_staff(uow: IdentityUnitOfWork, mobile: str, for_update: bool) -> StaffMember | None:
    return await uow.staff.by_mobile(mobile, for_update=for_update)


class StaffLogIn:
    """Staff sign in with mobile and password at the back office."""

    def __init__(self, login: PasswordLogin) -> None:
        self._login = login

    async def __call__(self, command: LogInCommand) -> StaffMember:
        return await self._login.check(
            _find_staff,
            lambda staff: staff.active,
            lambda staff: staff.password_hash,
            command.mobile,
            command.password,
            command.client_address,
        )
