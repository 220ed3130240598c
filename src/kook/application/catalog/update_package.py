"""Revise title, volume, days, price and SIM type. Lines already added keep their snapshot."""

from __future__ import annotations

from kook.application.catalog.package_command import PackageCommand, package_terms
from kook.application.shared.ports import CatalogUnitOfWork, Clock
from kook.domain.catalog.product import Package
from kook.domain.shared.errors import NotFound


class UpdatePackage:
    """Revise title, volume, days, price and SIM type. Lines already added keep their snapshot."""

    def __init__(self, uow: CatalogUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, package_id: str, command: PackageCommand) -> Package:
        terms = package_terms(command)
        async with self._uow as uow:
            package = await uow.packages.get(package_id, for_update=True)
            if package is None:
                raise NotFound()
            before = package.audit_view()
            package.revise(terms, self._clock.now())
            await uow.packages.save(package)
            await uow.audit.record(
                actor=command.actor,
                action="package.update",
                subject=f"package:{package.id}",
                before=before,
                after=package.audit_view(),
            )
            await uow.commit()
        return package
