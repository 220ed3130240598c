"""Reading the audit log (the writing port is ``shared.ports.AuditLog``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    actor_label: str = field(default="")  # a staff member's mobile and role, when the actor is staff
    address: str | None = None  # the client address of the request behind it; None for background work


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    subject: str | None = None


class AuditReader(Protocol):
    async def entries(self, filter: AuditFilter, *, before_id: int | None, limit: int) -> list[AuditEntry]:
        """Newest first; only entries with an id below ``before_id`` when given."""
        ...
