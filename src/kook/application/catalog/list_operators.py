"""The four operators, each with its prefixes, airtime bounds and number of packages on sale."""

from __future__ import annotations

from dataclasses import dataclass

from kook.application.shared.ports import CatalogUnitOfWork
from kook.domain.catalog.product import AirtimeBounds
from kook.domain.routing.operator import Operator
from kook.domain.routing.prefix_table import PrefixTable


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
