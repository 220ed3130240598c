"""Fulfilment's unit of work: the lines' work, the requests and the ledger, so an outcome and its money commit
together."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.fulfilment import SqlFulfilmentRepository
from kook.adapters.postgres.repositories.requests import SqlRequestRepository
from kook.adapters.postgres.repositories.wallet import SqlLedgerRepository
from kook.adapters.postgres.repositories.webhooks import SqlWebhookOutbox
from kook.adapters.postgres.unit_of_work.base import SqlUnitOfWork
from kook.application.fulfilment.ports import FulfilmentUnitOfWork


class SqlFulfilmentUnitOfWork(SqlUnitOfWork, FulfilmentUnitOfWork):
    work: SqlFulfilmentRepository
    requests: SqlRequestRepository
    ledger: SqlLedgerRepository
    webhooks: SqlWebhookOutbox

    def _bind(self, session: AsyncSession) -> None:
        super()._bind(session)
        self.work = SqlFulfilmentRepository(session)
        self.requests = SqlRequestRepository(session)
        self.ledger = SqlLedgerRepository(session)
        self.webhooks = SqlWebhookOutbox(session, self._clock)
