"""Internet packages: customers list the active ones; staff create, revise, deactivate (audited)."""

from __future__ import annotations

from dataclasses import dataclass

from kook.application.catalog.ports import CatalogUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.catalog.product import Package, PackageNotFound, PackageSnapshot, PackageTerms, check_package_code
from kook.domain.routing.operator import Operator, OperatorCodeInvalid, parse_operator
from kook.domain.shared.errors import Conflict, NotFound, ValidationFailed
from kook.domain.shared.ids import new_id


@dataclass(frozen=True)
class PackageCommand:
    """What staff fill in. ``operator`` and ``code`` are only read when creating."""

    title: str
    volume_mb: object
    duration_days: object
    price: object
    sim_type: object
    operator: object = None
    code: str = ""
    actor: str = "staff"


class ListPackages:
    def __init__(self, uow: CatalogUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, operator: Operator | None = None, *, active_only: bool = True) -> list[Package]:
        async with self._uow as uow:
            return await uow.packages.list(operator, active_only=active_only)


class GetPackage:
    def __init__(self, uow: CatalogUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, package_id: str) -> Package:
        async with self._uow as uow:
            package = await uow.packages.get(package_id)
        if package is None:
            raise NotFound()
        return package


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


class CreatePackage:
    def __init__(self, uow: CatalogUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, command: PackageCommand) -> Package:
        fields: dict[str, str] = {}
        operator: Operator | None = None
        code = ""
        terms: PackageTerms | None = None
        try:
            operator = parse_operator(command.operator)
        except OperatorCodeInvalid:
            fields["operator"] = "operator_code_invalid"
        try:
            code = check_package_code(command.code if isinstance(command.code, str) else "")
        except ValidationFailed as exc:
            fields.update(exc.fields)
        try:
            terms = _terms(command)
        except ValidationFailed as exc:
            fields.update(exc.fields)
        if fields or operator is None or terms is None:
            raise ValidationFailed(fields)
        package = Package.create(id=new_id(), operator=operator, code=code, terms=terms, now=self._clock.now())
        async with self._uow as uow:
            if await uow.packages.by_code(code) is not None:
                raise Conflict(details={"field": "code", "code": code})
            await uow.packages.add(package)
            await uow.audit.record(
                actor=command.actor,
                action="package.create",
                subject=f"package:{package.id}",
                after=package.audit_view(),
            )
            await uow.commit()
        return package


class UpdatePackage:
    """Revise title, volume, days, price and SIM type. Lines already added keep their snapshot."""

    def __init__(self, uow: CatalogUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, package_id: str, command: PackageCommand) -> Package:
        terms = _terms(command)
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


def _terms(command: PackageCommand) -> PackageTerms:
    return PackageTerms.checked(
        title=command.title,
        volume_mb=command.volume_mb,
        duration_days=command.duration_days,
        price=command.price,
        sim_type=command.sim_type,
    )
