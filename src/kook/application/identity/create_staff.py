from __future__ import annotations

from dataclasses import dataclass

from kook.application.identity.ports import IdentityUnitOfWork, PasswordHasher
from kook.application.shared.ports import Clock
from kook.domain.identity.password_policy import check_password
from kook.domain.identity.staff import StaffMember, StaffRole
from kook.domain.shared.errors import Conflict, ValidationFailed
from kook.domain.shared.ids import new_id
from kook.domain.shared.mobile import normalize_mobile


@dataclass(frozen=True)
class CreateStaffCommand:
    mobile: str
    password: str
    role: str
    created_by: str = "cli"


class CreateStaff:
    def __init__(self, uow: IdentityUnitOfWork, passwords: PasswordHasher, clock: Clock) -> None:
        self._uow = uow
        self._passwords = passwords
        self._clock = clock

    async def __call__(self, command: CreateStaffCommand) -> StaffMember:
        mobile = normalize_mobile(command.mobile)
        try:
            role = StaffRole(command.role)
        except ValueError:
            raise ValidationFailed({"role": "invalid"}) from None
        check_password(command.password)
        password_hash = await self._passwords.hash(command.password)
        async with self._uow as uow:
            if await uow.staff.by_mobile(mobile) is not None:
                raise Conflict(details={"mobile": mobile})
            staff = StaffMember(
                id=new_id(), mobile=mobile, role=role, password_hash=password_hash, created_at=self._clock.now()
            )
            await uow.staff.add(staff)
            await uow.audit.record(
                actor=command.created_by,
                action="staff.create",
                subject=f"staff:{staff.id}",
                after={"mobile": mobile, "role": role.value},
            )
            await uow.commit()
        return staff
