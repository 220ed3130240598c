"""The identity context's unit of work: users, staff, one-time codes, API keys."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.identity import (
    SqlApiKeyRepository,
    SqlOneTimeCodeRepository,
    SqlStaffRepository,
    SqlUserRepository,
)
from kook.adapters.postgres.unit_of_work.base import SqlUnitOfWork
from kook.application.identity.ports import IdentityUnitOfWork


class SqlIdentityUnitOfWork(SqlUnitOfWork, IdentityUnitOfWork):
    users: SqlUserRepository
    staff: SqlStaffRepository
    codes: SqlOneTimeCodeRepository
    api_keys: SqlApiKeyRepository

    def _bind(self, session: AsyncSession) -> None:
        super()._bind(session)
        self.users = SqlUserRepository(session)
        self.staff = SqlStaffRepository(session)
        self.codes = SqlOneTimeCodeRepository(session)
        self.api_keys = SqlApiKeyRepository(session)
