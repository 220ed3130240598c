"""Staff keep the prefix table: list, add, edit, delete — each change audited."""

from __future__ import annotations

from kook.application.routing.prefix_command import keep_one_routed_prefix
from kook.application.shared.ports import RoutingUnitOfWork
from kook.domain.shared.errors import NotFound


class DeletePrefix:
    def __init__(self, uow: RoutingUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, prefix_id: str, actor: str) -> None:
        async with self._uow as uow:
            entry = await uow.prefixes.get(prefix_id, for_update=True)
            if entry is None:
                raise NotFound()
            await keep_one_routed_prefix(uow, entry)
            await uow.prefixes.delete(entry)
            await uow.audit.record(
                actor=actor, action="prefix.delete", subject=f"prefix:{entry.id}", before=entry.audit_view()
            )
            await uow.commit()
