"""Every route, as the ``OperatorRouting`` that answers ``route_for(operator)``."""

from __future__ import annotations

from kook.application.shared.ports import RoutingUnitOfWork
from kook.domain.routing.operator_routing import OperatorRouting


class LoadOperatorRouting:
    """Every route, as the ``OperatorRouting`` that answers ``route_for(operator)``."""

    def __init__(self, uow: RoutingUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self) -> OperatorRouting:
        async with self._uow as uow:
            return OperatorRouting(await uow.routes.list_all())
