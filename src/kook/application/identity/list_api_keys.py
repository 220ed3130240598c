"""API keys for integrators and staff: create (shown once), list, revoke, authenticate."""

from __future__ import annotations

from kook.application.identity.key_owner import KeyOwner, owner_of
from kook.application.identity.ports import IdentityUnitOfWork
from kook.domain.identity.api_key import ApiKey


class ListApiKeys:
    def __init__(self, uow: IdentityUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, owner: KeyOwner | str) -> list[ApiKey]:
        who = owner_of(owner)
        async with self._uow as uow:
            if who.staff_id is not None:
                return await uow.api_keys.for_staff(who.staff_id)
            return [k for k in await uow.api_keys.for_user(who.user_id or "") if k.staff_id is None]
