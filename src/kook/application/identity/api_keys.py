"""API keys for integrators and staff: create (shown once), list, revoke, authenticate.

A customer's key carries scopes (``requests:write``, ``requests:read``, ``reports:read``, ``wallet:read``); a
staff member's key carries the staff member's role on the back-office JSON routes. Each key has its own rate
limit (requests per minute) counted by the shared rate limiter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

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
    split_key,
)
from kook.domain.identity.staff import StaffMember
from kook.domain.identity.user import User
from kook.domain.shared.errors import Conflict, NotFound
from kook.domain.shared.ids import new_id

MAX_ACTIVE_KEYS = 20
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class KeyOwner:
    """Whose keys: a customer's user, or a staff member."""

    user_id: str | None = None
    staff_id: str | None = None

    def owns(self, key: ApiKey) -> bool:
        if self.staff_id is not None:
            return key.staff_id == self.staff_id
        return self.user_id is not None and key.user_id == self.user_id and key.staff_id is None


@dataclass(frozen=True)
class KeyPrincipal:
    """Who a bearer key speaks for: the key itself (scopes, rate limit) and its user or staff member."""

    key: ApiKey
    user: User | None = None
    staff: StaffMember | None = None


def _owner(owner: KeyOwner | str) -> KeyOwner:
    return KeyOwner(user_id=owner) if isinstance(owner, str) else owner


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
        who = _owner(owner)
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


class ListApiKeys:
    def __init__(self, uow: IdentityUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, owner: KeyOwner | str) -> list[ApiKey]:
        who = _owner(owner)
        async with self._uow as uow:
            if who.staff_id is not None:
                return await uow.api_keys.for_staff(who.staff_id)
            return [k for k in await uow.api_keys.for_user(who.user_id or "") if k.staff_id is None]


class RevokeApiKey:
    def __init__(self, uow: IdentityUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, owner: KeyOwner | str, key_id: str) -> None:
        who = _owner(owner)
        async with self._uow as uow:
            key = await uow.api_keys.get(key_id)
            if key is None or not who.owns(key):
                raise NotFound()
            key.revoke(self._clock.now())
            await uow.commit()


class AuthenticateKey:
    """The key and the active user or staff member behind a bearer key, or None (constant-time compare)."""

    def __init__(self, uow: IdentityUnitOfWork, hasher: SecretHasher, clock: Clock) -> None:
        self._uow = uow
        self._hasher = hasher
        self._clock = clock

    async def __call__(self, presented: str) -> KeyPrincipal | None:
        parts = split_key(presented)
        if parts is None:
            return None
        key_id, secret = parts
        now = self._clock.now()
        async with self._uow as uow:
            key = await uow.api_keys.get(key_id)
            if key is None or not key.is_active or not self._hasher.matches(key.secret_hash, secret):
                return None
            principal: KeyPrincipal
            if key.staff_id is not None:
                staff = await uow.staff.get(key.staff_id)
                if staff is None or not staff.active:
                    return None
                principal = KeyPrincipal(key=key, staff=staff)
            else:
                user = await uow.users.get(key.user_id or "")
                if user is None or not user.is_active:
                    return None
                principal = KeyPrincipal(key=key, user=user)
            if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
                key.last_used_at = now
                await uow.commit()
            return principal


class AuthenticateApiKey:
    """The active user behind a customer's bearer key, or None."""

    def __init__(self, uow: IdentityUnitOfWork, hasher: SecretHasher, clock: Clock) -> None:
        self._inner = AuthenticateKey(uow, hasher, clock)

    async def __call__(self, presented: str) -> User | None:
        principal = await self._inner(presented)
        return principal.user if principal is not None else None
