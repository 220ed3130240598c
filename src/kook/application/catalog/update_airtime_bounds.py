"""Operators with their prefixes and airtime bounds; the price list for many lines; staff edit the bounds."""

from __future__ import annotations

from dataclasses import dataclass

from kook.application.shared.ports import CatalogUnitOfWork, Clock
from kook.domain.catalog.product import OperatorSettings
from kook.domain.routing.operator import Operator
from kook.domain.shared.errors import DomainError, NotFound, ValidationFailed
from kook.domain.shared.money import parse_rials


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
