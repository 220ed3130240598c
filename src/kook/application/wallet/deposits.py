"""Deposit slips: the customer records a bank deposit with its slip; finance
approves (credited exactly once) or rejects with a reason (SPEC §5)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

import structlog

from kook.application.shared.ports import Clock, CustomerNotifier
from kook.application.wallet.ledger_poster import LedgerPoster
from kook.application.wallet.ports import WalletUnitOfWork
from kook.application.wallet.settings import WalletPolicy
from kook.application.wallet.slips import SlipInspector, SlipStore
from kook.application.wallet.texts import deposit_approved, deposit_rejected
from kook.domain.shared.errors import DomainError, NotFound, ValidationFailed
from kook.domain.shared.ids import new_id
from kook.domain.wallet.bank_accounts import find_account
from kook.domain.wallet.deposit import (
    DepositDuplicate,
    DepositSlip,
    DepositStatus,
    check_deposit_date,
    normalize_tracking_number,
)
from kook.domain.wallet.ledger import EntryKind, bank_account

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


def deposit_key(deposit_id: str) -> str:
    return f"deposit:{deposit_id}"


class SubmitDeposit:
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


class ApproveDeposit:
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


class RejectDeposit:
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
