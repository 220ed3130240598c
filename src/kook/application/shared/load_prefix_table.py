"""The whole prefix table, for deciding many numbers (an upload) with one query."""

from __future__ import annotations

from kook.application.shared.ports import RoutingUnitOfWork
from kook.domain.routing.prefix_table import PrefixTable


class LoadPrefixTable:
    """The whole prefix table, for deciding many numbers (an upload) with one query."""

    def __init__(self, uow: RoutingUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self) -> PrefixTable:
        async with self._uow as uow:
            entries = await uow.prefixes.list_all()
        return PrefixTable(entry.as_rule() for entry in entries)
