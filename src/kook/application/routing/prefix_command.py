"""A prefix's form, checked (shared by adding and updating a prefix)."""

from __future__ import annotations

from dataclasses import dataclass

from kook.application.shared.ports import RoutingUnitOfWork
from kook.domain.routing.operator import Operator, OperatorCodeInvalid, parse_optional_operator
from kook.domain.routing.prefix_table import LastPrefix, OperatorPrefix, check_note, check_prefix
from kook.domain.shared.errors import ValidationFailed


@dataclass(frozen=True)
class PrefixCommand:
    prefix: str
    operator: object  # a code or name; None or blank: a shared block that needs an explicit code
    note: str = ""
    actor: str = "staff"


def checked_prefix(command: PrefixCommand) -> tuple[str, Operator | None, str]:
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


async def keep_one_routed_prefix(uow: RoutingUnitOfWork, entry: OperatorPrefix) -> None:
    """Refuse taking ``entry`` away from its operator when the operator has a route and no other prefix."""
    if entry.operator is None or await uow.routes.get(entry.operator) is None:
        return
    others = [p for p in await uow.prefixes.for_operator(entry.operator, for_update=True) if p.id != entry.id]
    if not others:
        raise LastPrefix(details={"operator": int(entry.operator), "prefix": entry.prefix})
