"""Staff keep the prefix table: list, add, edit, delete — each change audited."""

from __future__ import annotations

from kook.application.shared.ports import RoutingUnitOfWork
from kook.domain.routing.prefix_table import OperatorPrefix
from kook.domain.shared.errors import NotFound


class GetPrefix:
    def __init__(self, uow: RoutingUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, prefix_id: str) -> OperatorPrefix:
        async with self._uow as uow:
            entry = await uow.prefixes.get(prefix_id)
        if entry is None:
            raise NotFound()
        return entry
