"""The services context's unit of work."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.customers import SqlCustomerRepository
from kook.adapters.postgres.repositories.services import SqlActivationRepository, SqlServiceRepository
from kook.adapters.postgres.unit_of_work.base import SqlUnitOfWork
from kook.application.services.ports import ServicesUnitOfWork


class SqlServicesUnitOfWork(SqlUnitOfWork, ServicesUnitOfWork):
    customers: SqlCustomerRepository
    services: SqlServiceRepository
    activations: SqlActivationRepository

    def _bind(self, session: AsyncSession) -> None:
        super()._bind(session)
        self.customers = SqlCustomerRepository(session)
        self.services = SqlServiceRepository(session)
        self.activations = SqlActivationRepository(session)
