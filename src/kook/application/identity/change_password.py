from __future__ import annotations

from dataclasses import dataclass

from kook.application.identity.ports import IdentityUnitOfWork, PasswordHasher, SessionStore, WebSession
from kook.application.shared.ports import Clock
from kook.domain.identity.password_policy import check_password
from kook.domain.identity.user import CredentialsInvalid
from kook.domain.shared.errors import NotFound, ValidationFailed


@dataclass(frozen=True)
class ChangePasswordCommand:
    user_id: str
    current_password: str | None
    new_password: str
    session: WebSession | None  # None for an API-key caller


class ChangePassword:
    """Asks the current password unless the session began with a one-time code
    (the forgotten-password path); ends every other session of the user."""

    def __init__(
        self, uow: IdentityUnitOfWork, passwords: PasswordHasher, sessions: SessionStore, clock: Clock
    ) -> None:
        self._uow = uow
        self._passwords = passwords
        self._sessions = sessions
        self._clock = clock

    async def __call__(self, command: ChangePasswordCommand) -> None:
        check_password(command.new_password)
        async with self._uow as uow:
            user = await uow.users.get(command.user_id)
        if user is None:
            raise NotFound()
        needs_current = command.session is None or not command.session.otp_login
        if needs_current:
            if not command.current_password:
                raise ValidationFailed({"current_password": "required"})
            if not await self._passwords.verify(user.password_hash, command.current_password):
                raise CredentialsInvalid(details={"field": "current_password"})
        new_hash = await self._passwords.hash(command.new_password)
        async with self._uow as uow:
            locked = await uow.users.get(command.user_id)
            if locked is None:
                raise NotFound()
            locked.change_password(new_hash, self._clock.now())
            await uow.commit()
        keep = command.session.id if command.session else None
        await self._sessions.delete_for_principal("user", command.user_id, keep=keep)
        if command.session is not None and command.session.otp_login:
            command.session.otp_login = False
            await self._sessions.update(command.session)
