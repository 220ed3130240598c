"""The wallet context's unit of work: the ledger, payments, deposit slips, and the webhook outbox."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.wallet import SqlDepositRepository, SqlLedgerRepository, SqlPaymentRepository
from kook.adapters.postgres.repositories.webhooks import SqlWebhookOutbox
from kook.adapters.postgres.unit_of_work.base import SqlUnitOfWork
from kook.application.wallet.ports import WalletUnitOfWork


class SqlWalletUnitOfWork(SqlUnitOfWork, WalletUnitOfWork):
    ledger: SqlLedgerRepository
    payments: SqlPaymentRepository
    deposits: SqlDepositRepository
    webhooks: SqlWebhookOutbox

    def _bind(self, session: AsyncSession) -> None:
        super()._bind(session)
        self.ledger = SqlLedgerRepository(session)
        self.payments = SqlPaymentRepository(session)
        self.deposits = SqlDepositRepository(session)
        self.webhooks = SqlWebhookOutbox(session, self._clock)
