"""The ``CustomerNotifier`` port: a portal message to the customer's user, and
an SMS to their mobile when one is given. Called after the deciding
transaction has committed; a text that cannot be sent is logged, not raised."""

from __future__ import annotations

import structlog

from kook.application.messaging.ports import MessagingUnitOfWork
from kook.application.shared.ports import Clock, CustomerNotifier, SmsSender
from kook.application.shared.sms import send_sms
from kook.domain.messaging.message import Message
from kook.domain.shared.ids import new_id

log = structlog.get_logger(__name__)


class NotifyCustomer(CustomerNotifier):
    def __init__(self, uow: MessagingUnitOfWork, sms: SmsSender, clock: Clock) -> None:
        self._uow = uow
        self._sms = sms
        self._clock = clock

    async def notify(self, customer_id: str, *, kind: str, title: str, body: str, sms: str | None = None) -> None:
        async with self._uow as uow:
            recipient = await uow.recipients.of_customer(customer_id)
            if recipient is None:
                log.warning("notify_unknown_customer", customer_id=customer_id, kind=kind)
                return
            user_id, mobile = recipient
            await uow.messages.add(
                Message(
                    id=new_id(),
                    user_id=user_id,
                    customer_id=customer_id,
                    kind=kind,
                    title=title,
                    body=body,
                    created_at=self._clock.now(),
                )
            )
            await uow.commit()
        if sms:
            await send_sms(self._sms, mobile, sms)
