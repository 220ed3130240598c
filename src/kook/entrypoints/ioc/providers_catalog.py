"""dishka providers of the catalogue and routing contexts (and the simulated operator)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.operators.http_operator import HttpOperatorGateways
from kook.adapters.postgres.unit_of_work.catalog import SqlCatalogUnitOfWork
from kook.application.catalog.create_package import CreatePackage
from kook.application.catalog.find_package import FindPackage
from kook.application.catalog.get_package import GetPackage
from kook.application.catalog.list_operators import ListOperators
from kook.application.catalog.list_packages import ListPackages
from kook.application.catalog.set_package_active import SetPackageActive
from kook.application.catalog.update_airtime_bounds import UpdateAirtimeBounds
from kook.application.catalog.update_package import UpdatePackage
from kook.application.routing.add_prefix import AddPrefix
from kook.application.routing.delete_prefix import DeletePrefix
from kook.application.routing.get_prefix import GetPrefix
from kook.application.routing.list_prefixes import ListPrefixes
from kook.application.routing.list_routes import ListRoutes
from kook.application.routing.look_up_operator import LookUpOperator
from kook.application.routing.update_prefix import UpdatePrefix
from kook.application.routing.update_route import UpdateRoute
from kook.application.shared.load_operator_routing import LoadOperatorRouting
from kook.application.shared.load_prefix_table import LoadPrefixTable
from kook.application.shared.load_price_list import LoadPriceList
from kook.application.shared.ports import CatalogUnitOfWork, Clock, OperatorGateways, RoutingUnitOfWork
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
