from __future__ import annotations

from dataclasses import dataclass

from kook.application.identity.ports import IdentityUnitOfWork, PasswordHasher, RateLimiter, SessionStore, WebSession
from kook.application.identity.settings import IdentityPolicy
from kook.application.shared.ports import Clock
from kook.domain.identity.password_policy import check_password
from kook.domain.identity.user import CurrentPasswordInvalid
from kook.domain.shared.errors import NotFound, RateLimited, ValidationFailed


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
        self,
        uow: IdentityUnitOfWork,
        passwords: PasswordHasher,
        sessions: SessionStore,
        clock: Clock,
        limiter: RateLimiter,
        policy: IdentityPolicy,
    ) -> None:
        self._uow = uow
        self._passwords = passwords
        self._sessions = sessions
        self._clock = clock
        self._limiter = limiter
        self._policy = policy

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
            # a stolen session must not become a way to guess the password
            retry_after = await self._limiter.hit(
                f"password-check:{command.user_id}",
                limit=self._policy.login.max_failures * 2,
                window_seconds=int(self._policy.login.window.total_seconds()),
            )
            if retry_after is not None:
                raise RateLimited(retry_after)
            if not await self._passwords.verify(user.password_hash, command.current_password):
                raise CurrentPasswordInvalid(details={"field": "current_password"})
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
