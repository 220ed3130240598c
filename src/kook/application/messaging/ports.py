"""Ports of the messaging context: the customer's inbox."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

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


class RecipientDirectory(Protocol):
    async def of_customer(self, customer_id: str) -> tuple[str, str] | None:
        """(user id, mobile) of the customer's owner, or None."""
        ...


class MessagingUnitOfWork(UnitOfWork, Protocol):
    messages: MessageRepository
    recipients: RecipientDirectory
