"""The customer's low-balance alert (SPEC §10 "Messages"): a threshold they set; when the wallet's
available balance falls below it one portal message and one SMS go out, once per crossing (the alert
is armed again when the balance is back at or above the threshold).

``messaging.low_balance`` (every 60 s) checks every alert in two statements; the claim is one
UPDATE … WHERE alerted_at IS NULL … RETURNING, so two schedulers at once tell each crossing once."""

from __future__ import annotations

from kook.application.calendar.texts import low_balance
from kook.application.messaging.notify_customer import send_sms
from kook.application.messaging.ports import AlertsUnitOfWork
from kook.application.shared.ports import Clock, SmsSender
from kook.domain.messaging.message import Message, MessageKind
from kook.domain.shared.errors import ValidationFailed
from kook.domain.shared.ids import new_id

THRESHOLD_MAX = 100_000_000_000  # rials
BATCH = 500


class LowBalanceThreshold:
    def __init__(self, uow: AlertsUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def get(self, customer_id: str) -> int | None:
        async with self._uow as uow:
            return await uow.alerts.threshold_of(customer_id)

    async def set(self, customer_id: str, threshold: int | None) -> int | None:
        if threshold is not None and (isinstance(threshold, bool) or not 1 <= threshold <= THRESHOLD_MAX):
            raise ValidationFailed({"threshold": "invalid"})
        async with self._uow as uow:
            await uow.alerts.set_threshold(customer_id, threshold, self._clock.now())
            await uow.audit.record(
                actor=f"customer:{customer_id}",
                action="wallet.low_balance_threshold",
                subject=customer_id,
                after={"threshold": threshold},
            )
            await uow.commit()
        return threshold


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
