"""Ports of the messaging context: the customer's inbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kook.application.shared.ports import AuditLog, MessageRepository, UnitOfWork


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
