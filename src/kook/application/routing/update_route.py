"""Routes: the fulfilment workers ask ``LoadOperatorRouting``; staff list and edit them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kook.application.shared.ports import Clock, RoutingUnitOfWork
from kook.domain.routing.operator import Operator
from kook.domain.routing.operator_routing import Route
from kook.domain.shared.errors import NotFound


@dataclass(frozen=True)
class UpdateRouteCommand:
    operator: Operator
    changes: dict[str, Any] = field(default_factory=dict)
    actor: str = "staff"


class UpdateRoute:
    def __init__(self, uow: RoutingUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, command: UpdateRouteCommand) -> Route:
        async with self._uow as uow:
            route = await uow.routes.get(command.operator)
            if route is None:
                raise NotFound()
            updated = route.changed(self._clock.now(), **command.changes)
            await uow.routes.save(updated)
            await uow.audit.record(
                actor=command.actor,
                action="route.update",
                subject=f"route:{int(route.operator)}",
                before=route.audit_view(),
                after=updated.audit_view(),
            )
            await uow.commit()
        return updated
