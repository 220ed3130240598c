"""Internet packages: customers list the active ones; staff create, revise, deactivate (audited)."""

from __future__ import annotations

from kook.application.shared.ports import CatalogUnitOfWork
from kook.domain.catalog.product import Package
from kook.domain.shared.errors import NotFound


class GetPackage:
    def __init__(self, uow: CatalogUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, package_id: str) -> Package:
        async with self._uow as uow:
            package = await uow.packages.get(package_id)
        if package is None:
            raise NotFound()
        return package
