"""The customer's low-balance alert (SPEC §10 "Messages"): a threshold they set; when the wallet's"""

from __future__ import annotations

from kook.application.messaging.ports import AlertsUnitOfWork
from kook.application.messaging.texts import low_balance
from kook.application.shared.ports import Clock, SmsSender
from kook.application.shared.sms import send_sms
from kook.domain.messaging.message import Message, MessageKind
from kook.domain.shared.ids import new_id

BATCH = 500


class CheckLowBalances:
    def __init__(self, uow: AlertsUnitOfWork, sms: SmsSender, clock: Clock) -> None:
        self._uow = uow
        self._sms = sms
        self._clock = clock

    async def __call__(self) -> int:
        told = 0
        async with self._uow as uow:
            await uow.alerts.rearm_recovered()
            await uow.commit()
        while True:
            now = self._clock.now()
            texts: list[tuple[str, str]] = []
            async with self._uow as uow:
                fallen = await uow.alerts.claim_fallen(now, BATCH)
                for alert in fallen:
                    recipient = await uow.recipients.of_customer(alert.customer_id)
                    if recipient is None:
                        continue
                    title, body, sms = low_balance(alert.threshold, alert.available)
                    await uow.messages.add(
                        Message(
                            id=new_id(),
                            user_id=recipient[0],
                            customer_id=alert.customer_id,
                            kind=MessageKind.LOW_BALANCE,
                            title=title,
                            body=body,
                            created_at=now,
                        )
                    )
                    texts.append((recipient[1], sms))
                await uow.commit()
            for mobile, text in texts:
                await send_sms(self._sms, mobile, text)
            told += len(fallen)
            if len(fallen) < BATCH:
                return told
