"""Ports of the wallet context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kook.application.shared.ports import AuditLog
from kook.application.shared.unit_of_work import UnitOfWork
from kook.application.webhooks.ports import WebhookOutbox
from kook.domain.wallet.deposit import DepositSlip
from kook.domain.wallet.ledger import Discrepancy, JournalEntry, Wallet
from kook.domain.wallet.payment import Payment


@dataclass(frozen=True)
class StatementLine:
    entry_id: str
    kind: str
    memo: str
    created_at: datetime
    available_change: int
    held_change: int


class LedgerRepository(Protocol):
    async def wallet_for_update(self, customer_id: str) -> Wallet:
        """Lock the customer's wallet row (creating it at zero if missing)."""
        ...

    async def wallet(self, customer_id: str) -> Wallet | None: ...

    async def has_entry(self, idempotency_key: str) -> bool: ...

    async def append(self, entry: JournalEntry, wallets: list[tuple[Wallet, int, int]]) -> None:
        """Insert the entry and its postings, and move the wallet figures by the
        given (available, held) changes with a conditional update that refuses to
        go below zero. Raises Conflict when the idempotency key already exists."""
        ...

    async def statement(
        self, customer_id: str, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[StatementLine]: ...

    async def verify(self) -> list[Discrepancy]:
        """Recompute every wallet from its postings; the differences found."""
        ...

    async def unbalanced_entries(self) -> list[str]: ...


class PaymentRepository(Protocol):
    async def get(self, payment_id: str, *, for_update: bool = False) -> Payment | None: ...
    async def by_token(self, gateway: str, token: str) -> Payment | None: ...
    async def add(self, payment: Payment) -> None: ...
    async def for_customer(
        self, customer_id: str, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[Payment]: ...
    async def stale(self, older_than: datetime, limit: int) -> list[Payment]:
        """Payments the expiry job asks the gateway about: pending ones created before the
        moment, and failed ones that reached the gateway (a token), oldest first."""
        ...


class DepositRepository(Protocol):
    async def get(self, deposit_id: str, *, for_update: bool = False) -> DepositSlip | None: ...
    async def add(self, deposit: DepositSlip) -> None:
        """Raises Conflict when the tracking number is taken for that account."""
        ...

    async def exists(self, bank_account: str, tracking_number: str) -> bool: ...
    async def for_customer(
        self, customer_id: str, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[DepositSlip]: ...
    async def by_status(
        self, status: str | None, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[DepositSlip]: ...


class WalletUnitOfWork(UnitOfWork, Protocol):
    audit: AuditLog
    ledger: LedgerRepository
    payments: PaymentRepository
    deposits: DepositRepository
    webhooks: WebhookOutbox  # payment.credited, in the same transaction as the credit
