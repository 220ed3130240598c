from __future__ import annotations

from kook.application.identity.code_sender import CodeSender
from kook.application.identity.ports import IdentityUnitOfWork
from kook.application.identity.verify_sign_up import VerifyCodeCommand
from kook.domain.identity.one_time_code import CodePurpose, OtpInvalid, raise_for
from kook.domain.identity.user import User
from kook.domain.shared.mobile import normalize_mobile


class VerifyLoginCode:
    """One-time-code login, the way back in after a forgotten password."""

    def __init__(self, uow: IdentityUnitOfWork, codes: CodeSender) -> None:
        self._uow = uow
        self._codes = codes

    async def __call__(self, command: VerifyCodeCommand) -> User:
        mobile = normalize_mobile(command.mobile)
        async with self._uow as uow:
            user = await uow.users.by_mobile(mobile, for_update=True)
            outcome = await self._codes.attempt(
                uow.codes, mobile, CodePurpose.LOGIN, command.code, command.client_address
            )
            await uow.commit()
        raise_for(outcome)
        if user is None or not user.is_active:
            raise OtpInvalid()  # an unsent code can only be guessed
        return user
