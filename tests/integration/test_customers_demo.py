"""The demo data of ``kook serve``: the demo customer can use the wallet at once."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kook.adapters.postgres.migrate import upgrade
from kook.application.customers.get_customer_of_user import GetCustomerOfUser
from kook.application.identity.ports import IdentityUnitOfWork
from kook.application.services.gate import EnterpriseTopupGate
from kook.application.services.list_services import ListServices
from kook.domain.customers.customer import CustomerKind, CustomerStatus
from kook.domain.services.service import ServiceStatus
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import load_settings
from kook.sandbox.demo import DEMO_CUSTOMER, seed_demo_data
from tests.integration.conftest import base_env


async def test_the_demo_customer_is_approved_with_the_enterprise_top_up_active(tmp_path: Path) -> None:
    settings = load_settings(base_env(tmp_path))
    with ThreadPoolExecutor(max_workers=1) as pool:
        await asyncio.wrap_future(pool.submit(upgrade, settings.database_url))
    container = make_http_container(settings)
    try:
        await seed_demo_data(container)
        await seed_demo_data(container)  # a second start changes nothing
        async with container() as scope:
            identity = await scope.get(IdentityUnitOfWork)
            async with identity:
                user = await identity.users.by_mobile(DEMO_CUSTOMER[0])
            assert user is not None
            customer = await (await scope.get(GetCustomerOfUser))(user.id)
            assert customer is not None
            assert customer.kind == CustomerKind.LEGAL and customer.status == CustomerStatus.APPROVED
            assert customer.representative_mobile == DEMO_CUSTOMER[0]
            assert await (await scope.get(EnterpriseTopupGate))(user.id) == customer.id
            services = await (await scope.get(ListServices))(user.id)
            assert [s.status for s in services] == [ServiceStatus.ACTIVE, ServiceStatus.NOT_ACTIVATABLE]
    finally:
        await container.close()
