"""Routes: the fulfilment workers ask ``LoadOperatorRouting``; staff list and edit them."""

from __future__ import annotations

from kook.application.shared.ports import RoutingUnitOfWork
from kook.domain.routing.operator_routing import Route


class ListRoutes:
    def __init__(self, uow: RoutingUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self) -> list[Route]:
        async with self._uow as uow:
            return await uow.routes.list_all()
