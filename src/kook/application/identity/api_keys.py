"""API keys for integrators: create (shown once), list, revoke, authenticate."""

from __future__ import annotations

from datetime import timedelta

from kook.application.identity.ports import CodeGenerator, IdentityUnitOfWork, SecretHasher
from kook.application.shared.ports import Clock
from kook.domain.identity.api_key import ApiKey, check_key_name, compose_key, split_key
from kook.domain.identity.user import User
from kook.domain.shared.errors import Conflict, NotFound
from kook.domain.shared.ids import new_id

MAX_ACTIVE_KEYS = 20
LAST_USED_RESOLUTION = timedelta(minutes=1)


class CreateApiKey:
    def __init__(self, uow: IdentityUnitOfWork, generator: CodeGenerator, hasher: SecretHasher, clock: Clock) -> None:
        self._uow = uow
        self._generator = generator
        self._hasher = hasher
        self._clock = clock

    async def __call__(self, user_id: str, name: str) -> tuple[ApiKey, str]:
        """Returns the stored key and the full secret key, which is never shown again."""
        cleaned = check_key_name(name)
        secret = self._generator.new_secret()
        key = ApiKey(
            id=new_id(),
            user_id=user_id,
            name=cleaned,
            secret_hash=self._hasher.digest(secret),
            hint=secret[-4:],
            created_at=self._clock.now(),
        )
        async with self._uow as uow:
            active = [k for k in await uow.api_keys.for_user(user_id) if k.is_active]
            if len(active) >= MAX_ACTIVE_KEYS:
                raise Conflict(details={"max_active_keys": MAX_ACTIVE_KEYS})
            await uow.api_keys.add(key)
            await uow.commit()
        return key, compose_key(key.id, secret)


class ListApiKeys:
    def __init__(self, uow: IdentityUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, user_id: str) -> list[ApiKey]:
        async with self._uow as uow:
            return await uow.api_keys.for_user(user_id)


class RevokeApiKey:
    def __init__(self, uow: IdentityUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, user_id: str, key_id: str) -> None:
        async with self._uow as uow:
            key = await uow.api_keys.get(key_id)
            if key is None or key.user_id != user_id:
                raise NotFound()
            key.revoke(self._clock.now())
            await uow.commit()


class AuthenticateApiKey:
    """The active user behind a bearer key, or None."""

    def __init__(self, uow: IdentityUnitOfWork, hasher: SecretHasher, clock: Clock) -> None:
        self._uow = uow
        self._hasher = hasher
        self._clock = clock

    async def __call__(self, presented: str) -> User | None:
        parts = split_key(presented)
        if parts is None:
            return None
        key_id, secret = parts
        now = self._clock.now()
        async with self._uow as uow:
            key = await uow.api_keys.get(key_id)
            if key is None or not key.is_active or not self._hasher.matches(key.secret_hash, secret):
                return None
            user = await uow.users.get(key.user_id)
            if user is None or not user.is_active:
                return None
            if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
                key.last_used_at = now
                await uow.commit()
            return user
