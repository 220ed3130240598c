from __future__ import annotations

from kook.application.messaging.ports import MessagingUnitOfWork


class CountUnreadMessages:
    """The number shown beside the messages menu (one cheap count)."""

    def __init__(self, uow: MessagingUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, user_id: str) -> int:
        async with self._uow as uow:
            return await uow.messages.unread_count(user_id)
