"""Deactivate (no longer sold; existing lines keep their snapshot) or activate again."""

from __future__ import annotations

from kook.application.shared.ports import CatalogUnitOfWork, Clock
from kook.domain.catalog.product import Package
from kook.domain.shared.errors import NotFound


class SetPackageActive:
    """Deactivate (no longer sold; existing lines keep their snapshot) or activate again."""

    def __init__(self, uow: CatalogUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, package_id: str, *, active: bool, actor: str) -> Package:
        async with self._uow as uow:
            package = await uow.packages.get(package_id, for_update=True)
            if package is None:
                raise NotFound()
            if package.active == active:
                return package
            before = package.audit_view()
            if active:
                package.activate(self._clock.now())
            else:
                package.deactivate(self._clock.now())
            await uow.packages.save(package)
            await uow.audit.record(
                actor=actor,
                action="package.activate" if active else "package.deactivate",
                subject=f"package:{package.id}",
                before=before,
                after=package.audit_view(),
            )
            await uow.commit()
        return package
