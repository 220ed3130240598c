from __future__ import annotations

from kook.application.identity.code_sender import CodeSender
from kook.application.identity.ports import IdentityUnitOfWork
from kook.domain.identity.one_time_code import CodePurpose
from kook.domain.shared.mobile import normalize_mobile


class RequestLoginCode:
    """Texts a login code to an active account. For any other number a code is
    kept but not sent: the answers, here and at verification, are the same."""

    def __init__(self, uow: IdentityUnitOfWork, codes: CodeSender) -> None:
        self._uow = uow
        self._codes = codes

    async def __call__(self, mobile: str, client_address: str) -> str:
        normalized = normalize_mobile(mobile)
        await self._codes.check_limits(normalized, client_address)
        code: str | None = None
        async with self._uow as uow:
            user = await uow.users.by_mobile(normalized, for_update=True)
            issued = await self._codes.issue(uow.codes, normalized, CodePurpose.LOGIN)
            if user is not None and user.is_active:
                code = issued  # sent; for any other number it is kept unsent
            await uow.commit()
        if code is not None:
            await self._codes.send_code(normalized, code, CodePurpose.LOGIN)
        return normalized
