"""Demo data for the embedded default: a customer user and a staff admin."""

from __future__ import annotations

from dataclasses import dataclass

from dishka import AsyncContainer

from kook.application.identity.create_staff import CreateStaff, CreateStaffCommand
from kook.application.identity.ports import IdentityUnitOfWork, PasswordHasher
from kook.application.shared.ports import Clock
from kook.domain.identity.user import User, UserStatus
from kook.domain.shared.ids import new_id
from kook.sandbox.demo_customers import seed_demo_customer


@dataclass(frozen=True)
class DemoLogin:
    who: str
    mobile: str
    password: str
    url: str


DEMO_CUSTOMER = ("09121110000", "kook-demo-1405", "سارا", "محمدی")
DEMO_ADMIN = ("09120000000", "kook-admin-1405")


async def seed_demo_data(container: AsyncContainer) -> list[DemoLogin]:
    mobile, password, first_name, last_name = DEMO_CUSTOMER
    async with container() as scope:
        uow = await scope.get(IdentityUnitOfWork)
        passwords = await scope.get(PasswordHasher)
        clock = await scope.get(Clock)
        async with uow:
            if await uow.users.by_mobile(mobile) is None:
                now = clock.now()
                await uow.users.add(
                    User(
                        id=new_id(),
                        mobile=mobile,
                        first_name=first_name,
                        last_name=last_name,
                        password_hash=await passwords.hash(password),
                        status=UserStatus.ACTIVE,
                        created_at=now,
                        activated_at=now,
                    )
                )
                await uow.commit()
        admin_mobile, admin_password = DEMO_ADMIN
        async with uow:
            exists = await uow.staff.by_mobile(admin_mobile) is not None
        if not exists:
            create = await scope.get(CreateStaff)
            await create(
                CreateStaffCommand(mobile=admin_mobile, password=admin_password, role="admin", created_by="demo")
            )
        await seed_demo_customer(scope, mobile)  # approved legal profile, enterprise top-up active
    return [
        DemoLogin("customer", mobile, password, "/login"),
        DemoLogin("staff admin", admin_mobile, admin_password, "/admin/login"),
    ]
