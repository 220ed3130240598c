"""The customer's low-balance alert (SPEC §10 "Messages"): a threshold they set; when the wallet's"""

from __future__ import annotations

from kook.application.messaging.ports import AlertsUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.shared.errors import ValidationFailed

THRESHOLD_MAX = 100_000_000_000  # rials


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
