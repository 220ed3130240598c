"""Staff keep the prefix table: list, add, edit, delete — each change audited."""

from __future__ import annotations

from kook.application.shared.ports import RoutingUnitOfWork
from kook.domain.routing.prefix_table import OperatorPrefix


class ListPrefixes:
    def __init__(self, uow: RoutingUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self) -> list[OperatorPrefix]:
        async with self._uow as uow:
            return await uow.prefixes.list_all()
