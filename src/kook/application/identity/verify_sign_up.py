from __future__ import annotations

from dataclasses import dataclass

from kook.application.identity.code_sender import CodeSender
from kook.application.identity.ports import IdentityUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.identity.one_time_code import CodePurpose, OtpInvalid, VerifyOutcome, raise_for
from kook.domain.identity.user import User, UserStatus
from kook.domain.shared.mobile import normalize_mobile


@dataclass(frozen=True)
class VerifyCodeCommand:
    mobile: str
    code: str
    client_address: str | None = None  # None: no per-address cap (a caller with no address)


class VerifySignUp:
    """The sign-up code activates the account (the caller then starts a session).

    After a contested sign-up the account has no usable password:
    ``user.password_required`` tells the caller to start a session in which
    one is set without a current one, as after a one-time-code login.
    """

    def __init__(self, uow: IdentityUnitOfWork, codes: CodeSender, clock: Clock) -> None:
        self._uow = uow
        self._codes = codes
        self._clock = clock

    async def __call__(self, command: VerifyCodeCommand) -> User:
        mobile = normalize_mobile(command.mobile)
        async with self._uow as uow:
            user = await uow.users.by_mobile(mobile, for_update=True)
            outcome = await self._codes.attempt(
                uow.codes, mobile, CodePurpose.SIGNUP, command.code, command.client_address
            )
            pending = user is not None and user.status == UserStatus.PENDING
            if outcome == VerifyOutcome.OK and user is not None and pending:
                user.activate(self._clock.now())
            await uow.commit()
        raise_for(outcome)
        if user is None or not pending:
            raise OtpInvalid()  # an unsent code can only be guessed
        return user
