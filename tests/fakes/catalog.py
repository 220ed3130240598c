"""In-memory stand-ins for the catalogue and routing ports, with real transaction semantics.

``FakeCatalogUnitOfWork`` serves both ``CatalogUnitOfWork`` and
``RoutingUnitOfWork``: ``async with uow:`` works on a deep copy of the
committed state, ``commit()`` keeps it, leaving without a commit throws it
away. Outside a block the repositories read and write the committed state,
which is how tests arrange and look. ``FakeCatalogUnitOfWork.seeded()`` starts
from the repository's own seed (the same rows migration 0003 loads).
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Self

from kook.adapters.postgres.seed.catalog import seed_rows
from kook.application.shared.ports import (
    CatalogUnitOfWork,
    Clock,
    OperatorSettingsRepository,
    PackageRepository,
    PrefixRepository,
    RouteRepository,
)
from kook.domain.catalog.product import OperatorSettings, Package, SimType, package_sort_key
from kook.domain.routing.operator import Operator
from kook.domain.routing.operator_routing import LIMITS, AdapterKind, Route
from kook.domain.routing.prefix_table import OperatorPrefix
from kook.domain.shared.errors import Conflict
from tests.fakes.clock import DEFAULT_START, FakeClock
from tests.fakes.identity import AuditRecord, FakeAuditLog


@dataclass
class CatalogState:
    packages: dict[str, Package] = field(default_factory=dict)
    operator_settings: dict[Operator, OperatorSettings] = field(default_factory=dict)
    prefixes: dict[str, OperatorPrefix] = field(default_factory=dict)
    routes: dict[Operator, Route] = field(default_factory=dict)
    audit: list[AuditRecord] = field(default_factory=list)


class _Repo:
    def __init__(self, uow: FakeCatalogUnitOfWork) -> None:
        self._uow = uow

    @property
    def state(self) -> CatalogState:
        return self._uow.state


class FakePackageRepository(_Repo, PackageRepository):
    async def get(self, package_id: str, *, for_update: bool = False) -> Package | None:
        return self.state.packages.get(package_id)

    async def by_code(self, code: str) -> Package | None:
        return next((p for p in self.state.packages.values() if p.code == code), None)

    async def list(self, operator: Operator | None = None, *, active_only: bool = False) -> list[Package]:
        found = [
            p
            for p in self.state.packages.values()
            if (operator is None or p.operator == operator) and (p.active or not active_only)
        ]
        return sorted(found, key=package_sort_key)

    async def add(self, package: Package) -> None:
        if package.id in self.state.packages or await self.by_code(package.code) is not None:
            raise Conflict(details={"code": package.code})
        self.state.packages[package.id] = package

    async def save(self, package: Package) -> None:
        self.state.packages[package.id] = package


class FakeOperatorSettingsRepository(_Repo, OperatorSettingsRepository):
    async def list_all(self) -> list[OperatorSettings]:
        return [self.state.operator_settings[op] for op in sorted(self.state.operator_settings)]

    async def get(self, operator: Operator, *, for_update: bool = False) -> OperatorSettings | None:
        return self.state.operator_settings.get(operator)

    async def save(self, settings: OperatorSettings) -> None:
        self.state.operator_settings[settings.operator] = settings


class FakePrefixRepository(_Repo, PrefixRepository):
    async def list_all(self) -> list[OperatorPrefix]:
        return sorted(self.state.prefixes.values(), key=lambda p: p.prefix)

    async def get(self, prefix_id: str, *, for_update: bool = False) -> OperatorPrefix | None:
        return self.state.prefixes.get(prefix_id)

    async def by_prefix(self, prefix: str) -> OperatorPrefix | None:
        return next((p for p in self.state.prefixes.values() if p.prefix == prefix), None)

    async def add(self, entry: OperatorPrefix) -> None:
        if await self.by_prefix(entry.prefix) is not None:
            raise Conflict(details={"prefix": entry.prefix})  # the unique constraint
        self.state.prefixes[entry.id] = entry

    async def save(self, entry: OperatorPrefix) -> None:
        clash = await self.by_prefix(entry.prefix)
        if clash is not None and clash.id != entry.id:
            raise Conflict(details={"prefix": entry.prefix})
        self.state.prefixes[entry.id] = entry

    async def delete(self, entry: OperatorPrefix) -> None:
        self.state.prefixes.pop(entry.id, None)

    async def for_operator(self, operator: Operator, *, for_update: bool = False) -> list[OperatorPrefix]:
        return [p for p in self.state.prefixes.values() if p.operator == operator]


class FakeRouteRepository(_Repo, RouteRepository):
    async def list_all(self) -> list[Route]:
        return [self.state.routes[op] for op in sorted(self.state.routes)]

    async def get(self, operator: Operator) -> Route | None:
        return self.state.routes.get(operator)

    async def save(self, route: Route) -> None:
        self.state.routes[route.operator] = route


class FakeCatalogUnitOfWork(CatalogUnitOfWork):
    packages: FakePackageRepository
    operator_settings: FakeOperatorSettingsRepository
    prefixes: FakePrefixRepository
    routes: FakeRouteRepository
    audit: FakeAuditLog

    def __init__(self, clock: Clock | None = None, state: CatalogState | None = None) -> None:
        self._committed = state or CatalogState()
        self._working: CatalogState | None = None
        self._committed_in_block = False
        self.committed = 0
        self.rolled_back = 0
        self.packages = FakePackageRepository(self)
        self.operator_settings = FakeOperatorSettingsRepository(self)
        self.prefixes = FakePrefixRepository(self)
        self.routes = FakeRouteRepository(self)
        self.audit = FakeAuditLog(lambda: self.state, clock)  # type: ignore[arg-type, return-value]

    @classmethod
    def seeded(cls, clock: Clock | None = None) -> FakeCatalogUnitOfWork:
        return cls(clock, seeded_state((clock or FakeClock()).now()))

    @property
    def state(self) -> CatalogState:
        return self._working if self._working is not None else self._committed

    @property
    def committed_state(self) -> CatalogState:
        return self._committed

    async def __aenter__(self) -> Self:
        if self._working is not None:
            raise RuntimeError("unit of work is not re-entrant")
        self._working = copy.deepcopy(self._committed)
        self._committed_in_block = False
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._working is None:
            return
        self._working = None
        if not self._committed_in_block:
            self.rolled_back += 1

    async def commit(self) -> None:
        if self._working is None:
            raise RuntimeError("commit outside 'async with'")
        self._committed = copy.deepcopy(self._working)
        self._committed_in_block = True
        self.committed += 1

    # -- look at the committed state ------------------------------------------
    def audit_actions(self) -> list[str]:
        return [r.action for r in self._committed.audit]

    def stored_package(self, code: str) -> Package | None:
        return next((p for p in self._committed.packages.values() if p.code == code), None)

    def stored_prefix(self, prefix: str) -> OperatorPrefix | None:
        return next((p for p in self._committed.prefixes.values() if p.prefix == prefix), None)


def seeded_state(now: datetime = DEFAULT_START) -> CatalogState:
    """The repository's seed as domain objects (what migration 0003 loads)."""
    rows = seed_rows(now)
    state = CatalogState()
    for row in rows["operators"]:
        op = Operator(row["code"])
        state.operator_settings[op] = OperatorSettings(op, row["airtime_min"], row["airtime_max"], now)
    for row in rows["operator_prefixes"]:
        operator = Operator(row["operator"]) if row["operator"] is not None else None
        state.prefixes[row["id"]] = OperatorPrefix(
            id=row["id"], prefix=row["prefix"], operator=operator, note=row["note"], created_at=now, updated_at=now
        )
    for row in rows["packages"]:
        state.packages[row["id"]] = Package(
            id=row["id"],
            operator=Operator(row["operator"]),
            code=row["code"],
            title=row["title"],
            volume_mb=row["volume_mb"],
            duration_days=row["duration_days"],
            price=row["price"],
            sim_type=SimType(row["sim_type"]),
            active=row["active"],
            created_at=now,
            updated_at=now,
        )
    for row in rows["operator_routes"]:
        op = Operator(row["operator"])
        state.routes[op] = Route(
            operator=op,
            name=row["name"],
            adapter=AdapterKind(row["adapter"]),
            base_url=row["base_url"],
            credential_name=row["credential_name"],
            operator_codes={Operator(int(k)): v for k, v in row["operator_codes"].items()},
            **{name: row[name] for name in LIMITS},
            active=row["active"],
            updated_at=now,
        )
    return state


def replace_route(uow: FakeCatalogUnitOfWork, operator: Operator, **changes: object) -> Route:
    """Arrange: change a stored route directly (no audit)."""
    route = dataclasses.replace(uow.committed_state.routes[operator], **changes)  # type: ignore[arg-type]
    uow.committed_state.routes[operator] = route
    return route
