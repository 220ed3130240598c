"""Staff keep the prefix table: list, add, edit, delete — each change audited."""

from __future__ import annotations

from dataclasses import dataclass

from kook.application.routing.ports import RoutingUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.routing.operator import Operator, OperatorCodeInvalid, parse_optional_operator
from kook.domain.routing.prefix_table import LastPrefix, OperatorPrefix, check_note, check_prefix
from kook.domain.shared.errors import Conflict, NotFound, ValidationFailed
from kook.domain.shared.ids import new_id


@dataclass(frozen=True)
class PrefixCommand:
    prefix: str
    operator: object  # a code or name; None or blank: a shared block that needs an explicit code
    note: str = ""
    actor: str = "staff"


def _checked(command: PrefixCommand) -> tuple[str, Operator | None, str]:
    fields: dict[str, str] = {}
    prefix = operator = note = None
    try:
        prefix = check_prefix(command.prefix if isinstance(command.prefix, str) else "")
    except ValidationFailed as exc:
        fields.update(exc.fields)
    try:
        operator = parse_optional_operator(command.operator)
    except OperatorCodeInvalid:
        fields["operator"] = "operator_code_invalid"
    try:
        note = check_note(command.note or "")
    except ValidationFailed as exc:
        fields.update(exc.fields)
    if fields or prefix is None or note is None:
        raise ValidationFailed(fields or {"prefix": "invalid"})
    return prefix, operator, note


async def _keep_one_routed_prefix(uow: RoutingUnitOfWork, entry: OperatorPrefix) -> None:
    """Refuse taking ``entry`` away from its operator when the operator has a route and no other prefix."""
    if entry.operator is None or await uow.routes.get(entry.operator) is None:
        return
    others = [p for p in await uow.prefixes.for_operator(entry.operator, for_update=True) if p.id != entry.id]
    if not others:
        raise LastPrefix(details={"operator": int(entry.operator), "prefix": entry.prefix})


class ListPrefixes:
    def __init__(self, uow: RoutingUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self) -> list[OperatorPrefix]:
        async with self._uow as uow:
            return await uow.prefixes.list_all()


class GetPrefix:
    def __init__(self, uow: RoutingUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, prefix_id: str) -> OperatorPrefix:
        async with self._uow as uow:
            entry = await uow.prefixes.get(prefix_id)
        if entry is None:
            raise NotFound()
        return entry


class AddPrefix:
    def __init__(self, uow: RoutingUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, command: PrefixCommand) -> OperatorPrefix:
        prefix, operator, note = _checked(command)
        now = self._clock.now()
        entry = OperatorPrefix(id=new_id(), prefix=prefix, operator=operator, note=note, created_at=now, updated_at=now)
        async with self._uow as uow:
            if await uow.prefixes.by_prefix(prefix) is not None:
                raise Conflict(details={"field": "prefix", "prefix": prefix})
            await uow.prefixes.add(entry)
            await uow.audit.record(
                actor=command.actor, action="prefix.add", subject=f"prefix:{entry.id}", after=entry.audit_view()
            )
            await uow.commit()
        return entry


class UpdatePrefix:
    def __init__(self, uow: RoutingUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, prefix_id: str, command: PrefixCommand) -> OperatorPrefix:
        prefix, operator, note = _checked(command)
        async with self._uow as uow:
            entry = await uow.prefixes.get(prefix_id, for_update=True)
            if entry is None:
                raise NotFound()
            if prefix != entry.prefix and await uow.prefixes.by_prefix(prefix) is not None:
                raise Conflict(details={"field": "prefix", "prefix": prefix})
            if operator != entry.operator:
                await _keep_one_routed_prefix(uow, entry)
            before = entry.audit_view()
            entry.prefix, entry.operator, entry.note = prefix, operator, note
            entry.updated_at = self._clock.now()
            await uow.prefixes.save(entry)
            await uow.audit.record(
                actor=command.actor,
                action="prefix.update",
                subject=f"prefix:{entry.id}",
                before=before,
                after=entry.audit_view(),
            )
            await uow.commit()
        return entry


class DeletePrefix:
    def __init__(self, uow: RoutingUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, prefix_id: str, actor: str) -> None:
        async with self._uow as uow:
            entry = await uow.prefixes.get(prefix_id, for_update=True)
            if entry is None:
                raise NotFound()
            await _keep_one_routed_prefix(uow, entry)
            await uow.prefixes.delete(entry)
            await uow.audit.record(
                actor=actor, action="prefix.delete", subject=f"prefix:{entry.id}", before=entry.audit_view()
            )
            await uow.commit()
