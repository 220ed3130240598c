from __future__ import annotations

from kook.application.messaging.ports import MessagingUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.messaging.message import Message
from kook.domain.shared.errors import NotFound


class MarkMessageRead:
    """Marks one of the user's messages read; again changes nothing. Another's id: not found."""

    def __init__(self, uow: MessagingUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, user_id: str, message_id: str) -> Message:
        async with self._uow as uow:
            message = await uow.messages.get(message_id, for_update=True)
            if message is None or message.user_id != user_id:
                raise NotFound()
            if message.mark_read(self._clock.now()):
                await uow.commit()
            return message
