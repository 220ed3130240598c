from __future__ import annotations

from kook.application.messaging.ports import MessagingUnitOfWork
from kook.application.shared.ports import Position
from kook.domain.messaging.message import Message

MAX_PAGE = 100


class ListMessages:
    """The user's inbox, newest first."""

    def __init__(self, uow: MessagingUnitOfWork) -> None:
        self._uow = uow

    async def __call__(
        self, user_id: str, *, before: Position | None = None, limit: int = 20, unread_only: bool = False
    ) -> list[Message]:
        async with self._uow as uow:
            return await uow.messages.for_user(
                user_id, before=before, limit=max(1, min(limit, MAX_PAGE)), unread_only=unread_only
            )
