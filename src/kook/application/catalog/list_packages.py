"""Internet packages: customers list the active ones; staff create, revise, deactivate (audited)."""

from __future__ import annotations

from kook.application.shared.ports import CatalogUnitOfWork
from kook.domain.catalog.product import Package
from kook.domain.routing.operator import Operator


class ListPackages:
    def __init__(self, uow: CatalogUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, operator: Operator | None = None, *, active_only: bool = True) -> list[Package]:
        async with self._uow as uow:
            return await uow.packages.list(operator, active_only=active_only)
