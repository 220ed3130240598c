"""In-memory ledger with the same rules as the SQL one (unique keys,
conditional wallet updates, append-only postings)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kook.application.shared.ports import AuditLog, CustomerNotifier, LedgerRepository, StatementLine, WebhookOutbox
from kook.application.wallet.ports import DepositRepository, PaymentRepository, WalletUnitOfWork
from kook.domain.shared.errors import Conflict
from kook.domain.wallet.deposit import DepositDuplicate, DepositSlip
from kook.domain.wallet.ledger import Discrepancy, InsufficientFunds, JournalEntry, Wallet
from kook.domain.wallet.payment import Payment, PaymentStatus
from tests.fakes.snapshot import SnapshotUnitOfWork
from tests.fakes.webhooks import FakeWebhookOutbox


class _State:
    def __init__(self) -> None:
        self.entries: dict[str, JournalEntry] = {}  # by idempotency key
        self.wallets: dict[str, Wallet] = {}
        self.payments: dict[str, Payment] = {}
        self.deposits: dict[str, DepositSlip] = {}
        self.audit: list[dict[str, Any]] = []
        self.webhooks: list[tuple[str, str, dict[str, Any]]] = []  # (customer, event, data) told by the outbox


class FakeLedgerRepository(LedgerRepository):
    def __init__(self, state: _State) -> None:
        self.state = state

    async def wallet_for_update(self, customer_id: str) -> Wallet:
        wallet = self.state.wallets.setdefault(customer_id, Wallet(customer_id=customer_id))
        return Wallet(customer_id, wallet.available, wallet.held, wallet.updated_at)

    async def wallet(self, customer_id: str) -> Wallet | None:
        wallet = self.state.wallets.get(customer_id)
        return None if wallet is None else Wallet(customer_id, wallet.available, wallet.held, wallet.updated_at)

    async def has_entry(self, idempotency_key: str) -> bool:
        return idempotency_key in self.state.entries

    async def append(self, entry: JournalEntry, wallets: list[tuple[Wallet, int, int]]) -> None:
        if entry.idempotency_key in self.state.entries:
            raise Conflict()
        for wallet, d_available, d_held in wallets:
            stored = self.state.wallets[wallet.customer_id]
            if stored.available + d_available < 0 or stored.held + d_held < 0:
                raise InsufficientFunds(shortfall=-(stored.available + d_available))
        self.state.entries[entry.idempotency_key] = entry
        for wallet, d_available, d_held in wallets:
            stored = self.state.wallets[wallet.customer_id]
            stored.available += d_available
            stored.held += d_held

    async def statement(
        self, customer_id: str, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[StatementLine]:
        lines = []
        for entry in sorted(self.state.entries.values(), key=lambda e: (e.created_at, e.id), reverse=True):
            d_a = sum(p.amount for p in entry.postings if p.account == f"customer:{customer_id}:available")
            d_h = sum(p.amount for p in entry.postings if p.account == f"customer:{customer_id}:held")
            if any(p.customer_id == customer_id for p in entry.postings):
                lines.append(StatementLine(entry.id, entry.kind.value, entry.memo, entry.created_at, d_a, d_h))
        return lines[:limit]

    async def verify(self) -> list[Discrepancy]:
        found = []
        for customer_id, wallet in self.state.wallets.items():
            posted_a = sum(
                p.amount
                for e in self.state.entries.values()
                for p in e.postings
                if p.account == f"customer:{customer_id}:available"
            )
            posted_h = sum(
                p.amount
                for e in self.state.entries.values()
                for p in e.postings
                if p.account == f"customer:{customer_id}:held"
            )
            if (wallet.available, wallet.held) != (posted_a, posted_h):
                found.append(Discrepancy(customer_id, wallet.available, wallet.held, posted_a, posted_h))
        return found

    async def unbalanced_entries(self) -> list[str]:
        return [e.id for e in self.state.entries.values() if sum(p.amount for p in e.postings) != 0]


class FakePaymentRepository(PaymentRepository):
    def __init__(self, state: _State) -> None:
        self.state = state

    async def get(self, payment_id: str, *, for_update: bool = False) -> Payment | None:
        return self.state.payments.get(payment_id)

    async def by_token(self, gateway: str, token: str) -> Payment | None:
        return next((p for p in self.state.payments.values() if p.gateway == gateway and p.token == token), None)

    async def add(self, payment: Payment) -> None:
        self.state.payments[payment.id] = payment

    async def for_customer(self, customer_id: str, *, before: tuple[datetime, str] | None, limit: int) -> list[Payment]:
        items = [p for p in self.state.payments.values() if p.customer_id == customer_id]
        return sorted(items, key=lambda p: (p.created_at, p.id), reverse=True)[:limit]

    async def stale(self, older_than: datetime, limit: int) -> list[Payment]:
        return [
            p
            for p in sorted(self.state.payments.values(), key=lambda p: p.created_at)
            if (p.status == PaymentStatus.PENDING and p.created_at < older_than)
            or (p.status == PaymentStatus.FAILED and p.token is not None)
        ][:limit]


class FakeDepositRepository(DepositRepository):
    def __init__(self, state: _State) -> None:
        self.state = state

    async def get(self, deposit_id: str, *, for_update: bool = False) -> DepositSlip | None:
        return self.state.deposits.get(deposit_id)

    async def add(self, deposit: DepositSlip) -> None:
        if await self.exists(deposit.bank_account, deposit.tracking_number):
            raise DepositDuplicate()
        self.state.deposits[deposit.id] = deposit

    async def exists(self, bank_account: str, tracking_number: str) -> bool:
        return any(
            d.bank_account == bank_account and d.tracking_number == tracking_number
            for d in self.state.deposits.values()
        )

    async def for_customer(
        self, customer_id: str, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[DepositSlip]:
        return [d for d in self.state.deposits.values() if d.customer_id == customer_id][:limit]

    async def by_status(
        self, status: str | None, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[DepositSlip]:
        return [d for d in self.state.deposits.values() if status is None or d.status == status][:limit]


class FakeAudit(AuditLog):
    def __init__(self, state: _State) -> None:
        self.state = state

    async def record(
        self,
        *,
        actor: str,
        action: str,
        subject: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        self.state.audit.append(
            {"actor": actor, "action": action, "subject": subject, "before": before, "after": after}
        )


class FakeWalletUnitOfWork(SnapshotUnitOfWork[_State], WalletUnitOfWork):
    """Transactions by snapshot: what is not committed is thrown away."""

    ledger: LedgerRepository
    payments: PaymentRepository
    deposits: DepositRepository
    audit: AuditLog
    webhooks: WebhookOutbox

    def __init__(self) -> None:
        super().__init__(_State())

    def _bind(self, state: _State) -> None:
        self.ledger = FakeLedgerRepository(state)
        self.payments = FakePaymentRepository(state)
        self.deposits = FakeDepositRepository(state)
        self.audit = FakeAudit(state)
        self.webhooks = FakeWebhookOutbox(state.webhooks)


class FakeNotifier(CustomerNotifier):
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def notify(self, customer_id: str, *, kind: str, title: str, body: str, sms: str | None = None) -> None:
        self.sent.append({"customer_id": customer_id, "kind": kind, "title": title, "body": body, "sms": sms})
