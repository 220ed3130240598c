"""Deposit slips: the customer records a bank deposit with its slip; finance"""

from __future__ import annotations

from kook.application.shared.ports import Clock, CustomerNotifier
from kook.application.wallet.ports import WalletUnitOfWork
from kook.application.wallet.texts import deposit_rejected
from kook.domain.shared.errors import NotFound
from kook.domain.wallet.deposit import DepositSlip, DepositStatus


class RejectDepositSlip:
    def __init__(self, uow: WalletUnitOfWork, clock: Clock, notifier: CustomerNotifier) -> None:
        self._uow = uow
        self._clock = clock
        self._notifier = notifier

    async def __call__(self, deposit_id: str, staff_id: str, reason: str) -> DepositSlip:
        async with self._uow as uow:
            deposit = await uow.deposits.get(deposit_id, for_update=True)
            if deposit is None:
                raise NotFound()
            deposit.reject(staff_id, reason, self._clock.now())
            await uow.audit.record(
                actor=f"staff:{staff_id}",
                action="deposit.reject",
                subject=f"deposit:{deposit.id}",
                before={"status": DepositStatus.PENDING.value},
                after={"status": deposit.status.value, "reason": deposit.reject_reason},
            )
            await uow.commit()
        assert deposit.reject_reason is not None
        title, body, sms = deposit_rejected(deposit.amount, deposit.reject_reason)
        await self._notifier.notify(deposit.customer_id, kind="deposit", title=title, body=body, sms=sms)
        return deposit
