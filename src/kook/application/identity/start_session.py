"""Server-side web sessions (SPEC §2): new id at login, idle and absolute expiry."""

from __future__ import annotations

from kook.application.identity.ports import CodeGenerator, SessionStore, WebSession
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
