"""Operators with their prefixes and airtime bounds; the price list for many lines; staff edit the bounds."""

from __future__ import annotations

from dataclasses import dataclass

from kook.application.catalog.ports import CatalogUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.catalog.product import AirtimeBounds, OperatorSettings, PriceList
from kook.domain.routing.operator import Operator
from kook.domain.routing.prefix_table import PrefixTable
from kook.domain.shared.errors import DomainError, NotFound, ValidationFailed
from kook.domain.shared.money import parse_rials


@dataclass(frozen=True)
class OperatorView:
    operator: Operator
    prefixes: list[str]
    bounds: AirtimeBounds
    active_packages: int

    @property
    def code(self) -> int:
        return int(self.operator)

    @property
    def name_fa(self) -> str:
        return self.operator.name_fa


class ListOperators:
    """The four operators, each with its prefixes, airtime bounds and number of packages on sale."""

    def __init__(self, uow: CatalogUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self) -> tuple[list[OperatorView], list[str]]:
        """The operators and the shared prefixes (those that need an explicit code)."""
        async with self._uow as uow:
            table = PrefixTable(entry.as_rule() for entry in await uow.prefixes.list_all())
            settings = {s.operator: s.bounds for s in await uow.operator_settings.list_all()}
            packages = await uow.packages.list(active_only=True)
        views = [
            OperatorView(
                operator=operator,
                prefixes=table.prefixes_of(operator),
                bounds=settings.get(operator, AirtimeBounds()),
                active_packages=sum(1 for p in packages if p.operator == operator),
            )
            for operator in Operator
        ]
        return views, table.shared_prefixes()


class LoadPriceList:
    """Airtime bounds and every package, for pricing many lines with two queries."""

    def __init__(self, uow: CatalogUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self) -> PriceList:
        async with self._uow as uow:
            settings = await uow.operator_settings.list_all()
            packages = await uow.packages.list()
        return PriceList({s.operator: s.bounds for s in settings}, packages)


@dataclass(frozen=True)
class AirtimeBoundsCommand:
    operator: Operator
    minimum: object
    maximum: object
    actor: str = "staff"


class UpdateAirtimeBounds:
    def __init__(self, uow: CatalogUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, command: AirtimeBoundsCommand) -> OperatorSettings:
        fields: dict[str, str] = {}
        values: dict[str, int] = {}
        for name, raw in (("airtime_min", command.minimum), ("airtime_max", command.maximum)):
            try:
                values[name] = parse_rials(raw)
            except DomainError:
                fields[name] = "not_whole"
        if fields:
            raise ValidationFailed(fields)
        async with self._uow as uow:
            settings = await uow.operator_settings.get(command.operator, for_update=True)
            if settings is None:
                raise NotFound()
            before = {"airtime_min": settings.airtime_min, "airtime_max": settings.airtime_max}
            settings.set_bounds(values["airtime_min"], values["airtime_max"], self._clock.now())
            await uow.operator_settings.save(settings)
            await uow.audit.record(
                actor=command.actor,
                action="operator.airtime_bounds",
                subject=f"operator:{int(command.operator)}",
                before=before,
                after={"airtime_min": settings.airtime_min, "airtime_max": settings.airtime_max},
            )
            await uow.commit()
        return settings
