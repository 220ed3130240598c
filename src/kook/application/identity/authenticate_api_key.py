"""The active user behind a customer's bearer key, or None."""

from __future__ import annotations

from kook.application.identity.authenticate_key import AuthenticateKey
from kook.application.identity.ports import IdentityUnitOfWork, SecretHasher
from kook.application.shared.ports import Clock
from kook.domain.identity.user import User


class AuthenticateApiKey:
    """The active user behind a customer's bearer key, or None."""

    def __init__(self, uow: IdentityUnitOfWork, hasher: SecretHasher, clock: Clock) -> None:
        self._inner = AuthenticateKey(uow, hasher, clock)

    async def __call__(self, presented: str) -> User | None:
        principal = await self._inner(presented)
        return principal.user if principal is not None else None
