"""The customers context's unit of work."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.customers import SqlCustomerRepository
from kook.adapters.postgres.repositories.identity import SqlStaffRepository, SqlUserRepository
from kook.adapters.postgres.repositories.messaging import SqlMessageRepository
from kook.adapters.postgres.unit_of_work.base import SqlUnitOfWork
from kook.application.customers.ports import CustomersUnitOfWork


class SqlCustomersUnitOfWork(SqlUnitOfWork, CustomersUnitOfWork):
    customers: SqlCustomerRepository
    users: SqlUserRepository
    staff: SqlStaffRepository
    messages: SqlMessageRepository

    def _bind(self, session: AsyncSession) -> None:
        super()._bind(session)
        self.customers = SqlCustomerRepository(session)
        self.users = SqlUserRepository(session)
        self.staff = SqlStaffRepository(session)
        self.messages = SqlMessageRepository(session)
