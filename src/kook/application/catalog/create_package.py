"""Internet packages: customers list the active ones; staff create, revise, deactivate (audited)."""

from __future__ import annotations

from kook.application.catalog.package_command import PackageCommand, package_terms
from kook.application.shared.ports import CatalogUnitOfWork, Clock
from kook.domain.catalog.product import Package, PackageTerms, check_package_code
from kook.domain.routing.operator import Operator, OperatorCodeInvalid, parse_operator
from kook.domain.shared.errors import Conflict, ValidationFailed
from kook.domain.shared.ids import new_id


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
            terms = package_terms(command)
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
