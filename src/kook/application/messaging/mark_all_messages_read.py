"""Every unread message of the user read at once; how many were."""

from __future__ import annotations

from kook.application.messaging.ports import MessagingUnitOfWork
from kook.application.shared.ports import Clock


class MarkAllMessagesRead:
    """Every unread message of the user read at once; how many were."""

    def __init__(self, uow: MessagingUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, user_id: str) -> int:
        async with self._uow as uow:
            marked = await uow.messages.mark_all_read(user_id, self._clock.now())
            await uow.commit()
            return marked
