"""Ports of the catalogue context: packages and per-operator settings.

The catalogue's unit of work also sees the routing data (prefixes and routes),
so one transaction can answer "operators with their prefixes and bounds".
"""

from __future__ import annotations

from typing import Protocol

from kook.application.routing.ports import RoutingUnitOfWork
from kook.domain.catalog.product import OperatorSettings, Package
from kook.domain.routing.operator import Operator


class PackageRepository(Protocol):
    async def get(self, package_id: str, *, for_update: bool = False) -> Package | None: ...
    async def by_code(self, code: str) -> Package | None: ...
    async def list(self, operator: Operator | None = None, *, active_only: bool = False) -> list[Package]:
        """Ordered by operator, days, volume, code."""
        ...

    async def add(self, package: Package) -> None: ...
    async def save(self, package: Package) -> None: ...


class OperatorSettingsRepository(Protocol):
    async def list_all(self) -> list[OperatorSettings]: ...
    async def get(self, operator: Operator, *, for_update: bool = False) -> OperatorSettings | None: ...
    async def save(self, settings: OperatorSettings) -> None: ...


class CatalogUnitOfWork(RoutingUnitOfWork, Protocol):
    packages: PackageRepository
    operator_settings: OperatorSettingsRepository
