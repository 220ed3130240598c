"""API keys for integrators and staff: create (shown once), list, revoke, authenticate."""

from __future__ import annotations

from kook.application.identity.key_owner import KeyOwner, owner_of
from kook.application.identity.ports import IdentityUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.shared.errors import NotFound


class RevokeApiKey:
    def __init__(self, uow: IdentityUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, owner: KeyOwner | str, key_id: str) -> None:
        who = owner_of(owner)
        async with self._uow as uow:
            key = await uow.api_keys.get(key_id)
            if key is None or not who.owns(key):
                raise NotFound()
            key.revoke(self._clock.now())
            await uow.commit()
