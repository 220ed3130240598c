"""Ports of the messaging context: the customer's inbox."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kook.application.shared.ports import AuditLog
from kook.application.shared.unit_of_work import UnitOfWork
from kook.domain.messaging.message import Message

Position = tuple[datetime, str]


class MessageRepository(Protocol):
    async def add(self, message: Message) -> None: ...
    async def get(self, message_id: str, *, for_update: bool = False) -> Message | None: ...
    async def for_user(
        self, user_id: str, *, before: Position | None, limit: int, unread_only: bool = False
    ) -> list[Message]:
        """Newest first; only messages older than ``before`` (created_at, id) when given."""
        ...

    async def unread_count(self, user_id: str) -> int: ...
    async def mark_all_read(self, user_id: str, now: datetime) -> int:
        """Marks every unread message of the user read; how many were."""
        ...

    async def announce_to_all(self, title: str, body: str, now: datetime, new_id: Callable[[], str]) -> int:
        """One announcement message to the owner of every customer; how many were written."""
        ...


class RecipientDirectory(Protocol):
    async def of_customer(self, customer_id: str) -> tuple[str, str] | None:
        """(user id, mobile) of the customer's owner, or None."""
        ...


class MessagingUnitOfWork(UnitOfWork, Protocol):
    messages: MessageRepository
    recipients: RecipientDirectory
    audit: AuditLog


@dataclass(frozen=True, slots=True)
class LowBalance:
    """A customer whose wallet just fell below their threshold (claimed: told once per crossing)."""

    customer_id: str
    threshold: int
    available: int


class BalanceAlertRepository(Protocol):
    async def threshold_of(self, customer_id: str) -> int | None: ...
    async def set_threshold(self, customer_id: str, threshold: int | None, now: datetime) -> None:
        """None removes the alert."""
        ...

    async def rearm_recovered(self) -> int:
        """Alerts whose wallet is back at or above the threshold are armed again; how many."""
        ...

    async def claim_fallen(self, now: datetime, limit: int) -> list[LowBalance]:
        """Armed alerts whose wallet's available balance is below the threshold, marked told and returned.

        Safe with several schedulers at once: each crossing is returned to one of them only."""
        ...


class AlertsUnitOfWork(UnitOfWork, Protocol):
    alerts: BalanceAlertRepository
    messages: MessageRepository
    recipients: RecipientDirectory
    audit: AuditLog


class HtmlSanitizer(Protocol):
    def clean(self, html: str) -> str:
        """Only the safe subset survives: paragraphs, line breaks, bold, lists, https links."""
        ...
