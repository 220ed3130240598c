"""dishka providers of the catalogue and routing contexts (and the simulated operator)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.operators.http_operator import HttpOperatorGateways
from kook.adapters.postgres.unit_of_work.catalog import SqlCatalogUnitOfWork
from kook.application.catalog.operators import ListOperators, LoadPriceList, UpdateAirtimeBounds
from kook.application.catalog.packages import (
    CreatePackage,
    FindPackage,
    GetPackage,
    ListPackages,
    SetPackageActive,
    UpdatePackage,
)
from kook.application.catalog.ports import CatalogUnitOfWork
from kook.application.routing.look_up_operator import LoadPrefixTable, LookUpOperator
from kook.application.routing.manage_prefixes import AddPrefix, DeletePrefix, GetPrefix, ListPrefixes, UpdatePrefix
from kook.application.routing.ports import OperatorGateways, RoutingUnitOfWork
from kook.application.routing.routes import ListRoutes, LoadOperatorRouting, UpdateRoute
from kook.application.shared.ports import Clock
from kook.entrypoints.settings import Settings
from kook.sandbox.operator_sim import OperatorSimulator, SimConfig


class CatalogProvider(Provider):
    scope = Scope.REQUEST

    @provide
    def catalog_unit_of_work(self, factory: async_sessionmaker[AsyncSession], clock: Clock) -> CatalogUnitOfWork:
        return SqlCatalogUnitOfWork(factory, clock)

    @provide
    def routing_unit_of_work(self, factory: async_sessionmaker[AsyncSession], clock: Clock) -> RoutingUnitOfWork:
        return SqlCatalogUnitOfWork(factory, clock)

    @provide(scope=Scope.APP)
    async def operator_gateways(self, settings: Settings) -> AsyncIterator[OperatorGateways]:
        gateways = HttpOperatorGateways(
            settings.operator_base_url,
            settings.operator_credentials,
            max_connections=settings.operator.max_connections,
        )
        yield gateways
        await gateways.aclose()

    @provide(scope=Scope.APP)
    async def operator_simulator(
        self, settings: Settings, factory: async_sessionmaker[AsyncSession], clock: Clock
    ) -> AsyncIterator[OperatorSimulator]:
        config = SimConfig(
            latency_ms=settings.sim.latency_ms,
            fail_rate=settings.sim.fail_rate,
            unknown_rate=settings.sim.unknown_rate,
        )
        simulator = OperatorSimulator(factory, clock, config)
        yield simulator
        await simulator.aclose()  # its group-commit writer writes what is queued before the engine goes


def catalog_use_cases() -> Provider:
    provider = Provider(scope=Scope.REQUEST)
    for use_case in (
        LoadPrefixTable,
        LookUpOperator,
        ListPrefixes,
        GetPrefix,
        AddPrefix,
        UpdatePrefix,
        DeletePrefix,
        LoadOperatorRouting,
        ListRoutes,
        UpdateRoute,
        ListOperators,
        LoadPriceList,
        UpdateAirtimeBounds,
        ListPackages,
        GetPackage,
        FindPackage,
        CreatePackage,
        UpdatePackage,
        SetPackageActive,
    ):
        provider.provide(use_case)
    return provider
