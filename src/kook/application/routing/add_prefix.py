"""Staff keep the prefix table: list, add, edit, delete — each change audited."""

from __future__ import annotations

from kook.application.routing.prefix_command import PrefixCommand, checked_prefix
from kook.application.shared.ports import Clock, RoutingUnitOfWork
from kook.domain.routing.prefix_table import OperatorPrefix
from kook.domain.shared.errors import Conflict
from kook.domain.shared.ids import new_id


class AddPrefix:
    def __init__(self, uow: RoutingUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, command: PrefixCommand) -> OperatorPrefix:
        prefix, operator, note = checked_prefix(command)
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
