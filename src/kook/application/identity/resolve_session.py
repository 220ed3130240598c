"""The live session behind a cookie, or None; an expired one is deleted."""

from __future__ import annotations

from kook.application.identity.ports import SessionStore, WebSession
from kook.application.identity.settings import IdentityPolicy
from kook.application.shared.ports import Clock


class ResolveSession:
    """The live session behind a cookie, or None; an expired one is deleted."""

    def __init__(self, store: SessionStore, clock: Clock, policy: IdentityPolicy) -> None:
        self._store = store
        self._clock = clock
        self._policy = policy.session

    async def __call__(self, session_id: str) -> WebSession | None:
        if not session_id or len(session_id) > 128:
            return None
        session = await self._store.get(session_id)
        if session is None:
            return None
        now = self._clock.now()
        if now - session.last_seen_at > self._policy.idle or now - session.created_at > self._policy.absolute:
            await self._store.delete(session_id)
            return None
        if now - session.last_seen_at >= self._policy.touch_every:
            await self._store.touch(session, now)
        return session
