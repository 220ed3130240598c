""" "Sign out everywhere": every web session of the principal ends, this one included. Returns how many."""

from __future__ import annotations

from kook.application.identity.ports import SessionStore


class EndAllSessions:
    """ "Sign out everywhere": every web session of the principal ends, this one included. Returns how many."""

    def __init__(self, store: SessionStore) -> None:
        self._store = store

    async def __call__(self, principal_kind: str, principal_id: str) -> int:
        return await self._store.delete_for_principal(principal_kind, principal_id)
