from __future__ import annotations

from kook.application.shared.ports import AuditEntry, AuditFilter, AuditReader

MAX_PAGE = 200


class ListAuditEntries:
    """The back office's audit log, newest first (admins only; the caller checks the role)."""

    def __init__(self, reader: AuditReader) -> None:
        self._reader = reader

    async def __call__(
        self, filter: AuditFilter | None = None, *, before_id: int | None = None, limit: int = 50
    ) -> list[AuditEntry]:
        return await self._reader.entries(
            filter or AuditFilter(), before_id=before_id, limit=max(1, min(limit, MAX_PAGE))
        )
