"""API keys for integrators and staff: create (shown once), list, revoke, authenticate."""

from __future__ import annotations

from kook.application.identity.key_owner import KeyOwner, owner_of
from kook.application.identity.ports import CodeGenerator, IdentityUnitOfWork, SecretHasher
from kook.application.shared.ports import Clock
from kook.domain.identity.api_key import (
    DEFAULT_PER_MINUTE,
    SCOPES,
    ApiKey,
    check_key_name,
    check_per_minute,
    check_scopes,
    compose_key,
)
from kook.domain.shared.errors import Conflict
from kook.domain.shared.ids import new_id

MAX_ACTIVE_KEYS = 20


class CreateApiKey:
    def __init__(self, uow: IdentityUnitOfWork, generator: CodeGenerator, hasher: SecretHasher, clock: Clock) -> None:
        self._uow = uow
        self._generator = generator
        self._hasher = hasher
        self._clock = clock

    async def __call__(
        self,
        owner: KeyOwner | str,
        name: str,
        scopes: list[str] | tuple[str, ...] | None = None,
        per_minute: int | None = None,
    ) -> tuple[ApiKey, str]:
        """Returns the stored key and the full secret key, which is never shown again.

        ``scopes`` None gives a customer's key every customer scope; a staff key has none (its role decides).
        """
        who = owner_of(owner)
        cleaned = check_key_name(name)
        stored_scopes = "" if who.staff_id is not None else check_scopes(list(SCOPES) if scopes is None else scopes)
        limit = check_per_minute(DEFAULT_PER_MINUTE if per_minute is None else per_minute)
        secret = self._generator.new_secret()
        key = ApiKey(
            id=new_id(),
            user_id=None if who.staff_id is not None else who.user_id,
            name=cleaned,
            secret_hash=self._hasher.digest(secret),
            hint=secret[-4:],
            created_at=self._clock.now(),
            scopes=stored_scopes,
            staff_id=who.staff_id,
            per_minute=limit,
        )
        async with self._uow as uow:
            active = [k for k in await self._keys(uow, who) if k.is_active]
            if len(active) >= MAX_ACTIVE_KEYS:
                raise Conflict(details={"max_active_keys": MAX_ACTIVE_KEYS})
            await uow.api_keys.add(key)
            await uow.commit()
        return key, compose_key(key.id, secret)

    @staticmethod
    async def _keys(uow: IdentityUnitOfWork, who: KeyOwner) -> list[ApiKey]:
        if who.staff_id is not None:
            return await uow.api_keys.for_staff(who.staff_id)
        return await uow.api_keys.for_user(who.user_id or "")
