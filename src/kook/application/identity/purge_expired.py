from __future__ import annotations

from datetime import timedelta

import structlog

from kook.application.identity.ports import IdentityUnitOfWork, SessionStore
from kook.application.shared.ports import Clock

log = structlog.get_logger(__name__)

KEEP_CODES_FOR = timedelta(days=1)  # the hourly rate limit looks back one hour


class PurgeExpiredIdentityData:
    """Scheduled: drops one-time codes older than a day and expired sessions."""

    def __init__(self, uow: IdentityUnitOfWork, sessions: SessionStore, clock: Clock) -> None:
        self._uow = uow
        self._sessions = sessions
        self._clock = clock

    async def __call__(self) -> tuple[int, int]:
        now = self._clock.now()
        async with self._uow as uow:
            codes = await uow.codes.purge_older_than(now - KEEP_CODES_FOR)
            await uow.commit()
        sessions = await self._sessions.purge(now)
        log.info("identity_purged", codes=codes, sessions=sessions)
        return codes, sessions
