"""Server-side web sessions (SPEC §2): new id at login, idle and absolute expiry."""

from __future__ import annotations

from kook.application.identity.ports import SessionStore


class EndSession:
    def __init__(self, store: SessionStore) -> None:
        self._store = store

    async def __call__(self, session_id: str) -> None:
        await self._store.delete(session_id)
