"""Catalogue and routing repositories over the session of one unit of work."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.base import flush_or_conflict
from kook.adapters.postgres.tables import catalog as t
from kook.application.shared.ports import (
    OperatorSettingsRepository,
    PackageRepository,
    PrefixRepository,
    RouteRepository,
)
from kook.domain.catalog.product import OperatorSettings, Package
from kook.domain.routing.operator import Operator
from kook.domain.routing.operator_routing import LIMITS, AdapterKind, Route
from kook.domain.routing.prefix_table import OperatorPrefix


class SqlPackageRepository(PackageRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, package_id: str, *, for_update: bool = False) -> Package | None:
        return await self._session.get(Package, package_id, with_for_update=for_update or None)

    async def by_code(self, code: str) -> Package | None:
        query = sa.select(Package).where(t.packages.c.code == code)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def list(self, operator: Operator | None = None, *, active_only: bool = False) -> list[Package]:
        c = t.packages.c
        query = sa.select(Package).order_by(c.operator, c.duration_days, c.volume_mb, c.code)
        if operator is not None:
            query = query.where(c.operator == operator)
        if active_only:
            query = query.where(c.active.is_(True))
        return list((await self._session.execute(query)).scalars())

    async def add(self, package: Package) -> None:
        self._session.add(package)
        await flush_or_conflict(self._session)

    async def save(self, package: Package) -> None:
        await flush_or_conflict(self._session)


class SqlOperatorSettingsRepository(OperatorSettingsRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def list_all(self) -> list[OperatorSettings]:
        query = sa.select(OperatorSettings).order_by(t.operators.c.code)
        return list((await self._session.execute(query)).scalars())

    async def get(self, operator: Operator, *, for_update: bool = False) -> OperatorSettings | None:
        return await self._session.get(OperatorSettings, operator, with_for_update=for_update or None)

    async def save(self, settings: OperatorSettings) -> None:
        await flush_or_conflict(self._session)


class SqlPrefixRepository(PrefixRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def list_all(self) -> list[OperatorPrefix]:
        query = sa.select(OperatorPrefix).order_by(t.operator_prefixes.c.prefix)
        return list((await self._session.execute(query)).scalars())

    async def get(self, prefix_id: str, *, for_update: bool = False) -> OperatorPrefix | None:
        return await self._session.get(OperatorPrefix, prefix_id, with_for_update=for_update or None)

    async def by_prefix(self, prefix: str) -> OperatorPrefix | None:
        query = sa.select(OperatorPrefix).where(t.operator_prefixes.c.prefix == prefix)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def add(self, entry: OperatorPrefix) -> None:
        self._session.add(entry)
        await flush_or_conflict(self._session)

    async def save(self, entry: OperatorPrefix) -> None:
        await flush_or_conflict(self._session)

    async def delete(self, entry: OperatorPrefix) -> None:
        await self._session.delete(entry)
        await self._session.flush()

    async def for_operator(self, operator: Operator, *, for_update: bool = False) -> list[OperatorPrefix]:
        query = sa.select(OperatorPrefix).where(t.operator_prefixes.c.operator == operator)
        if for_update:
            query = query.with_for_update().execution_options(populate_existing=True)
        return list((await self._session.execute(query)).scalars())


class SqlRouteRepository(RouteRepository):
    """Routes are frozen values: read and written with Core statements."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def list_all(self) -> list[Route]:
        rows = (await self._session.execute(sa.select(t.operator_routes).order_by(t.operator_routes.c.operator))).all()
        return [route_from_row(row._mapping) for row in rows]

    async def get(self, operator: Operator) -> Route | None:
        query = sa.select(t.operator_routes).where(t.operator_routes.c.operator == operator)
        row = (await self._session.execute(query)).first()
        return route_from_row(row._mapping) if row is not None else None

    async def save(self, route: Route) -> None:
        values = route_to_row(route)
        values.pop("operator")
        await self._session.execute(
            sa.update(t.operator_routes).where(t.operator_routes.c.operator == route.operator).values(**values)
        )


def route_from_row(row: Any) -> Route:
    codes: dict[Operator, str] = {}
    for key, value in dict(row["operator_codes"] or {}).items():
        try:
            codes[Operator(int(key))] = str(value)
        except ValueError:
            continue  # a code for an operator Kook no longer sells: ignored
    return Route(
        operator=Operator(int(row["operator"])),
        name=row["name"],
        adapter=AdapterKind(row["adapter"]),
        base_url=row["base_url"],
        credential_name=row["credential_name"],
        operator_codes=codes,
        **{name: int(row[name]) for name in LIMITS},
        active=bool(row["active"]),
        updated_at=row["updated_at"],
    )


def route_to_row(route: Route) -> dict[str, Any]:
    return {
        "operator": route.operator,
        "name": route.name,
        "adapter": route.adapter.value,
        "base_url": route.base_url,
        "credential_name": route.credential_name,
        "operator_codes": {str(int(k)): v for k, v in sorted(route.operator_codes.items())},
        **{name: getattr(route, name) for name in LIMITS},
        "active": route.active,
        "updated_at": route.updated_at,
    }
