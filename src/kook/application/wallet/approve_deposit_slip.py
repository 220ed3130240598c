"""Deposit slips: the customer records a bank deposit with its slip; finance"""

from __future__ import annotations

from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.shared.ports import Clock, CustomerNotifier
from kook.application.wallet.ports import WalletUnitOfWork
from kook.application.wallet.texts import deposit_approved
from kook.domain.shared.errors import DomainError, NotFound
from kook.domain.wallet.deposit import DepositSlip, DepositStatus
from kook.domain.wallet.ledger import EntryKind, bank_account


def deposit_key(deposit_id: str) -> str:
    return f"deposit:{deposit_id}"


class ApproveDepositSlip:
    def __init__(self, uow: WalletUnitOfWork, poster: LedgerPoster, clock: Clock, notifier: CustomerNotifier) -> None:
        self._uow = uow
        self._poster = poster
        self._clock = clock
        self._notifier = notifier

    async def __call__(self, deposit_id: str, staff_id: str) -> DepositSlip:
        async with self._uow as uow:
            first_look = await uow.deposits.get(deposit_id)
            if first_look is None:
                raise NotFound()
            await self._poster.lock_wallet(uow.ledger, first_look.customer_id)  # wallet, then deposit
            deposit = await uow.deposits.get(deposit_id, for_update=True)
            assert deposit is not None
            deposit.approve(staff_id, self._clock.now())  # refuses anything but pending (409)
            posted = await self._poster.credit(
                uow.ledger,
                deposit.customer_id,
                deposit.amount,
                bank_account(deposit.bank_account),
                key=deposit_key(deposit.id),
                kind=EntryKind.DEPOSIT,
                memo=deposit.tracking_number,  # a reference: the statement words it (entrypoints)
            )
            if not posted:
                raise DomainError("conflict", details={"reason": "already_credited"})
            await uow.audit.record(
                actor=f"staff:{staff_id}",
                action="deposit.approve",
                subject=f"deposit:{deposit.id}",
                before={"status": DepositStatus.PENDING.value},
                after={"status": deposit.status.value, "amount": deposit.amount},
            )
            await uow.webhooks.record(
                deposit.customer_id,
                "payment.credited",
                [{"kind": "deposit", "deposit_id": deposit.id, "amount": deposit.amount}],
            )
            await uow.commit()
        title, body, sms = deposit_approved(deposit.amount)
        await self._notifier.notify(deposit.customer_id, kind="deposit", title=title, body=body, sms=sms)
        return deposit
