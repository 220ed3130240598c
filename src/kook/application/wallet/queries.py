"""Reads of the wallet: figures, statement, payments and deposits lists."""

from __future__ import annotations

from datetime import datetime

from kook.application.wallet.ports import StatementLine, WalletUnitOfWork
from kook.domain.shared.errors import NotFound
from kook.domain.wallet.deposit import DepositSlip
from kook.domain.wallet.ledger import Discrepancy, Wallet
from kook.domain.wallet.payment import Payment

Cursor = tuple[datetime, str] | None


class GetWallet:
    def __init__(self, uow: WalletUnitOfWork, known: dict[str, Wallet] | None = None) -> None:
        self._uow = uow
        self._known = known if known is not None else {}  # read with the caller (CallerFacts.wallets)

    async def __call__(self, customer_id: str) -> Wallet:
        if customer_id in self._known:
            return self._known[customer_id]
        async with self._uow as uow:
            wallet = await uow.ledger.wallet(customer_id)
        return wallet or Wallet(customer_id=customer_id)


class GetStatement:
    def __init__(self, uow: WalletUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, customer_id: str, before: Cursor = None, limit: int = 50) -> list[StatementLine]:
        async with self._uow as uow:
            return await uow.ledger.statement(customer_id, before=before, limit=limit)


class ListPayments:
    def __init__(self, uow: WalletUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, customer_id: str, before: Cursor = None, limit: int = 50) -> list[Payment]:
        async with self._uow as uow:
            return await uow.payments.for_customer(customer_id, before=before, limit=limit)


class GetPayment:
    def __init__(self, uow: WalletUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, customer_id: str, payment_id: str) -> Payment:
        async with self._uow as uow:
            payment = await uow.payments.get(payment_id)
        if payment is None or payment.customer_id != customer_id:
            raise NotFound("payment_not_found")
        return payment


class ListDeposits:
    def __init__(self, uow: WalletUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, customer_id: str, before: Cursor = None, limit: int = 50) -> list[DepositSlip]:
        async with self._uow as uow:
            return await uow.deposits.for_customer(customer_id, before=before, limit=limit)


class DepositQueue:
    """Finance's list: by status (pending first by default)."""

    def __init__(self, uow: WalletUnitOfWork) -> None:
        self._uow = uow

    async def __call__(
        self, status: str | None = "pending", before: Cursor = None, limit: int = 50
    ) -> list[DepositSlip]:
        async with self._uow as uow:
            return await uow.deposits.by_status(status, before=before, limit=limit)


class GetDeposit:
    """One slip: its owner's customer, or any staff member (customer_id None)."""

    def __init__(self, uow: WalletUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, deposit_id: str, customer_id: str | None) -> DepositSlip:
        async with self._uow as uow:
            deposit = await uow.deposits.get(deposit_id)
        if deposit is None or (customer_id is not None and deposit.customer_id != customer_id):
            raise NotFound()
        return deposit


class VerifyLedger:
    """Recomputes every wallet from its postings; also lists unbalanced entries."""

    def __init__(self, uow: WalletUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self) -> tuple[list[Discrepancy], list[str]]:
        async with self._uow as uow:
            return await uow.ledger.verify(), await uow.ledger.unbalanced_entries()
