"""The audit log as the back office reads it (newest first, staff actors named)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.tables import audit as tables_audit
from kook.adapters.postgres.tables import identity as tables_identity
from kook.application.shared.ports import AuditEntry, AuditFilter, AuditReader

_ROLE_LABELS = {"reviewer": "بازبین", "finance": "مالی", "admin": "مدیر"}


class SqlAuditReader(AuditReader):
    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = factory

    async def entries(self, filter: AuditFilter, *, before_id: int | None, limit: int) -> list[AuditEntry]:
        a = tables_audit.audit_log.c
        query = sa.select(tables_audit.audit_log)
        if filter.actor:
            query = query.where(a.actor == filter.actor)
        if filter.action:
            query = query.where(a.action == filter.action)
        if filter.subject:
            query = query.where(a.subject == filter.subject)
        if before_id is not None:
            query = query.where(a.id < before_id)
        query = query.order_by(a.id.desc()).limit(limit)
        async with self._factory() as session:
            rows = (await session.execute(query)).all()
            staff_ids = {r.actor.removeprefix("staff:") for r in rows if r.actor.startswith("staff:")}
            labels: dict[str, str] = {}
            if staff_ids:
                s = tables_identity.staff.c
                found = await session.execute(sa.select(s.id, s.mobile, s.role).where(s.id.in_(staff_ids)))
                labels = {
                    f"staff:{row.id}": f"{row.mobile} ({_ROLE_LABELS.get(str(row.role), str(row.role))})"
                    for row in found
                }
            member_ids = {r.member_id for r in rows if r.member_id}
            members: dict[str, str] = {}
            if member_ids:  # the customer's member who acted (issue 18)
                u = tables_identity.users.c
                found = await session.execute(
                    sa.select(u.id, u.mobile, u.first_name, u.last_name).where(u.id.in_(member_ids))
                )
                members = {row.id: f"{row.first_name} {row.last_name} ({row.mobile})" for row in found}
        return [
            AuditEntry(
                id=int(r.id),
                at=r.at,
                actor=r.actor,
                action=r.action,
                subject=r.subject,
                before=r.before,
                after=r.after,
                actor_label=_with_member(labels.get(r.actor, r.actor), members.get(r.member_id or "")),
                address=r.address,
            )
            for r in rows
        ]


def _with_member(label: str, member: str | None) -> str:
    return f"{label} — {member}" if member else label
