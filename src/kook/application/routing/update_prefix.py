"""Staff keep the prefix table: list, add, edit, delete — each change audited."""

from __future__ import annotations

from kook.application.routing.prefix_command import PrefixCommand, checked_prefix, keep_one_routed_prefix
from kook.application.shared.ports import Clock, RoutingUnitOfWork
from kook.domain.routing.prefix_table import OperatorPrefix
from kook.domain.shared.errors import Conflict, NotFound


class UpdatePrefix:
    def __init__(self, uow: RoutingUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, prefix_id: str, command: PrefixCommand) -> OperatorPrefix:
        prefix, operator, note = checked_prefix(command)
        async with self._uow as uow:
            entry = await uow.prefixes.get(prefix_id, for_update=True)
            if entry is None:
                raise NotFound()
            if prefix != entry.prefix and await uow.prefixes.by_prefix(prefix) is not None:
                raise Conflict(details={"field": "prefix", "prefix": prefix})
            if operator != entry.operator:
                await keep_one_routed_prefix(uow, entry)
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
