""""""

from __future__ import annotations

from kook.application.identity.ports import IdentityUnitOfWork
from kook.domain.identity.staff import StaffMember


class GetStaff:
    def __init__(self, uow: IdentityUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, staff_id: str) -> StaffMember | None:
        async with self._uow as uow:
            staff = await uow.staff.get(staff_id)
        return staff if staff is not None and staff.active else None
