"""A package by its code → the snapshot a line keeps (``package_not_found``, ``package_inactive``)."""

from __future__ import annotations

from kook.application.shared.ports import CatalogUnitOfWork
from kook.domain.catalog.product import PackageNotFound, PackageSnapshot


class FindPackage:
    """A package by its code → the snapshot a line keeps (``package_not_found``, ``package_inactive``)."""

    def __init__(self, uow: CatalogUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, code: str) -> PackageSnapshot:
        key = code.strip().upper() if isinstance(code, str) else ""
        async with self._uow as uow:
            package = await uow.packages.by_code(key) if key else None
        if package is None:
            raise PackageNotFound(details={"code": key[:40]})
        return package.snapshot()
