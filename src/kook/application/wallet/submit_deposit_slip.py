"""Deposit slips: the customer records a bank deposit with its slip; finance"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

import structlog

from kook.application.shared.ports import Clock
from kook.application.wallet.ports import SlipInspector, SlipStore, WalletUnitOfWork
from kook.application.wallet.settings import WalletPolicy
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.domain.shared.ids import new_id
from kook.domain.wallet.bank_accounts import find_account
from kook.domain.wallet.deposit import (
    DepositDuplicate,
    DepositSlip,
    DepositStatus,
    check_deposit_date,
    normalize_tracking_number,
)

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class SubmitDepositCommand:
    customer_id: str
    user_id: str
    bank_account: str
    amount: int
    deposit_date: date
    tracking_number: str
    slip: bytes
    filename: str | None


class SubmitDepositSlip:
    def __init__(
        self,
        uow: WalletUnitOfWork,
        inspector: SlipInspector,
        store: SlipStore,
        clock: Clock,
        policy: WalletPolicy,
    ) -> None:
        self._uow = uow
        self._inspector = inspector
        self._store = store
        self._clock = clock
        self._policy = policy

    async def __call__(self, command: SubmitDepositCommand) -> DepositSlip:
        now = self._clock.now()
        fields: dict[str, str] = {}
        account_key = ""
        tracking = ""
        try:
            account_key = find_account(command.bank_account, self._policy.bank_accounts).key
        except DomainError as exc:
            fields["bank_account"] = exc.code
        if not self._policy.deposit_min <= command.amount <= self._policy.deposit_max:
            fields["amount"] = "amount_out_of_range"
        try:
            check_deposit_date(command.deposit_date, now.date())
        except ValidationFailed as exc:
            fields.update(exc.fields)
        try:
            tracking = normalize_tracking_number(command.tracking_number)
        except ValidationFailed as exc:
            fields.update(exc.fields)
        if fields:
            raise ValidationFailed(fields)
        inspected = await asyncio.to_thread(self._inspector.inspect, command.slip, command.filename)
        async with self._uow as uow:
            if await uow.deposits.exists(account_key, tracking):
                raise DepositDuplicate()
        stored = await self._store.save(inspected.content, inspected.kind)
        deposit = DepositSlip(
            id=new_id(),
            customer_id=command.customer_id,
            user_id=command.user_id,
            bank_account=account_key,
            amount=command.amount,
            deposit_date=command.deposit_date,
            tracking_number=tracking,
            slip_key=stored.key,
            slip_kind=stored.kind.value,
            slip_size=stored.size,
            status=DepositStatus.PENDING,
            created_at=now,
        )
        try:
            async with self._uow as uow:
                await uow.deposits.add(deposit)  # a racing duplicate fails here on the unique key
                await uow.commit()
        except DomainError:
            await self._store.delete(stored.key)
            raise
        log.info("deposit_submitted", deposit_id=deposit.id, amount=deposit.amount)
        return deposit
