from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.tables import audit as tables_audit
from kook.adapters.system.request_origin import client_address
from kook.application.shared.acting import acting_member
from kook.application.shared.ports import AuditLog, Clock


class SqlAuditLog(AuditLog):
    """Written in the same transaction as the action it records, with the client address of the request."""

    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def record(
        self,
        *,
        actor: str,
        action: str,
        subject: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        await self._session.execute(
            tables_audit.audit_log.insert().values(
                at=self._clock.now(),
                actor=actor,
                action=action,
                subject=subject,
                before=before,
                after=after,
                member_id=acting_member.get(),
                address=client_address(),
            )
        )
