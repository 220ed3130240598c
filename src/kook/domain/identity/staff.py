"""Kook's own staff: a separate kind of account from customer users."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from kook.domain.identity.user import PasswordThrottled


class StaffRole(enum.StrEnum):
    REVIEWER = "reviewer"
    FINANCE = "finance"
    ADMIN = "admin"


@dataclass(eq=False)
class StaffMember(PasswordThrottled):
    id: str
    mobile: str
    role: StaffRole
    password_hash: str
    created_at: datetime
    active: bool = True
    recent_failures: list[datetime] = field(default_factory=list)
    locked_until: datetime | None = None
