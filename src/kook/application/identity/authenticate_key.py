"""Who a bearer key speaks for: the key itself (scopes, rate limit) and its user or staff member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from kook.application.identity.ports import IdentityUnitOfWork, SecretHasher
from kook.application.shared.ports import Clock
from kook.domain.identity.api_key import ApiKey, split_key
from kook.domain.identity.staff import StaffMember
from kook.domain.identity.user import User

LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class KeyPrincipal:
    """Who a bearer key speaks for: the key itself (scopes, rate limit) and its user or staff member."""

    key: ApiKey
    user: User | None = None
    staff: StaffMember | None = None


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
