"""Server-side web sessions (SPEC §2): new id at login, idle and absolute expiry."""

from __future__ import annotations

from kook.application.identity.ports import CodeGenerator, SessionStore, WebSession
from kook.application.identity.settings import IdentityPolicy
from kook.application.shared.ports import Clock


class StartSession:
    def __init__(self, store: SessionStore, generator: CodeGenerator, clock: Clock) -> None:
        self._store = store
        self._generator = generator
        self._clock = clock

    async def __call__(
        self, principal_kind: str, principal_id: str, *, otp_login: bool = False, replaces: str | None = None
    ) -> WebSession:
        """Always a fresh id: a session id known before login is never promoted."""
        if replaces:
            await self._store.delete(replaces)
        now = self._clock.now()
        session = WebSession(
            id=self._generator.new_secret(),
            principal_kind=principal_kind,
            principal_id=principal_id,
            csrf_token=self._generator.new_secret(),
            created_at=now,
            last_seen_at=now,
            otp_login=otp_login,
        )
        await self._store.create(session)
        return session


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


class EndSession:
    def __init__(self, store: SessionStore) -> None:
        self._store = store

    async def __call__(self, session_id: str) -> None:
        await self._store.delete(session_id)


class EndAllSessions:
    """ "Sign out everywhere": every web session of the principal ends, this one included. Returns how many."""

    def __init__(self, store: SessionStore) -> None:
        self._store = store

    async def __call__(self, principal_kind: str, principal_id: str) -> int:
        return await self._store.delete_for_principal(principal_kind, principal_id)
