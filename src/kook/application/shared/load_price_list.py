"""Airtime bounds and every package, for pricing many lines with two queries."""

from __future__ import annotations

from kook.application.shared.ports import CatalogUnitOfWork
from kook.domain.catalog.product import PriceList


class LoadPriceList:
    """Airtime bounds and every package, for pricing many lines with two queries."""

    def __init__(self, uow: CatalogUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self) -> PriceList:
        async with self._uow as uow:
            settings = await uow.operator_settings.list_all()
            packages = await uow.packages.list()
        return PriceList({s.operator: s.bounds for s in settings}, packages)
