"""A message the portal sends a customer's user (SPEC §10): shown in the inbox,
counted in the menu until read."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Final

TITLE_MAX_LENGTH: Final = 200


class MessageKind(enum.StrEnum):
    """Known kinds; the column is free text so later contexts add their own."""

    PROFILE_APPROVED = "profile_approved"
    PROFILE_REJECTED = "profile_rejected"
    ANNOUNCEMENT = "announcement"  # from staff; the body is sanitised HTML
    EVENT_REMINDER = "event_reminder"
    LOW_BALANCE = "low_balance"


RICH_KINDS: Final = frozenset({MessageKind.ANNOUNCEMENT.value})  # kinds whose body is (sanitised) HTML


@dataclass(eq=False)
class Message:
    id: str
    user_id: str
    kind: str
    title: str
    body: str
    created_at: datetime
    customer_id: str | None = None
    read_at: datetime | None = None

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def mark_read(self, now: datetime) -> bool:
        """True when this call changed it (the first read time is kept)."""
        if self.read_at is not None:
            return False
        self.read_at = now
        return True
