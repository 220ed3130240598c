"""The catalogue's unit of work: packages, operator settings, prefixes and routes."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.catalog import (
    SqlOperatorSettingsRepository,
    SqlPackageRepository,
    SqlPrefixRepository,
    SqlRouteRepository,
)
from kook.adapters.postgres.unit_of_work.base import SqlUnitOfWork
from kook.application.shared.ports import CatalogUnitOfWork


class SqlCatalogUnitOfWork(SqlUnitOfWork, CatalogUnitOfWork):
    """Serves both ``CatalogUnitOfWork`` and ``RoutingUnitOfWork`` (its base protocol)."""

    packages: SqlPackageRepository
    operator_settings: SqlOperatorSettingsRepository
    prefixes: SqlPrefixRepository
    routes: SqlRouteRepository

    def _bind(self, session: AsyncSession) -> None:
        super()._bind(session)
        self.packages = SqlPackageRepository(session)
        self.operator_settings = SqlOperatorSettingsRepository(session)
        self.prefixes = SqlPrefixRepository(session)
        self.routes = SqlRouteRepository(session)
