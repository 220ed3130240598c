"""The bulk requests' unit of work: requests, lines, uploads — and the ledger, so a
confirmation's hold and the request's new status commit together."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.requests import SqlLineRepository, SqlRequestRepository
from kook.adapters.postgres.repositories.uploads import SqlUploadRepository
from kook.adapters.postgres.repositories.wallet import SqlLedgerRepository
from kook.adapters.postgres.unit_of_work.base import SqlUnitOfWork
from kook.application.recharges.ports import RequestsUnitOfWork


class SqlRequestsUnitOfWork(SqlUnitOfWork, RequestsUnitOfWork):
    requests: SqlRequestRepository
    lines: SqlLineRepository
    uploads: SqlUploadRepository
    ledger: SqlLedgerRepository

    def _bind(self, session: AsyncSession) -> None:
        super()._bind(session)
        self.requests = SqlRequestRepository(session)
        self.lines = SqlLineRepository(session)
        self.uploads = SqlUploadRepository(session)
        self.ledger = SqlLedgerRepository(session)
