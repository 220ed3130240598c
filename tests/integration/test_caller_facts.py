"""A read request's caller in one statement (CallerFacts) answers exactly what the four reads it replaces answer:
the user, the membership, the enterprise top-up access and the wallet (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from kook.adapters.postgres.tables import identity as tables_identity
from kook.application.identity.get_user import GetUser
from kook.application.identity.get_user_for_read import GetUserForRead
from kook.application.services.gate import EnterpriseTopupGate
from kook.application.shared.caller_facts import CallerFacts
from kook.application.shared.ports import UserContextReader
from kook.application.teams.resolve_member import ResolveMember
from kook.application.wallet.get_wallet import GetWallet
from kook.domain.customers.customer import ProfileNotApproved
from kook.domain.services.service import ServiceCode
from kook.entrypoints.http.web.filters import rials
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import Settings
from kook.sandbox.demo import DEMO_CUSTOMER, seed_demo_data
from tests.integration.helpers import Client, sign_up
from tests.integration.test_customers_api import use
from tests.integration.test_wallet_api import _local, demo_customer


def fields(member: object) -> dict[str, object] | None:
    return None if member is None else dict(vars(member))


async def test_the_one_statement_answers_what_the_four_reads_answer(client: Client, settings: Settings) -> None:
    await sign_up(client, "09127776655")  # a person with no customer yet
    container = make_http_container(settings)
    try:
        await seed_demo_data(container)
        engine = await container.get(AsyncEngine)
        async with engine.connect() as conn:
            ids = dict(
                (await conn.execute(sa.select(tables_identity.users.c.mobile, tables_identity.users.c.id))).all()
            )
        reader = await container.get(UserContextReader)
        for mobile in (DEMO_CUSTOMER[0], "09127776655"):
            user_id = ids[mobile]
            async with container() as scope:
                expected_user = await (await scope.get(GetUser))(user_id)
                expected_member = await (await scope.get(ResolveMember))(user_id)
                try:
                    customer_id: str | None = await (await scope.get(EnterpriseTopupGate))(user_id)
                except ProfileNotApproved:
                    customer_id = None
                expected_wallet = await (await scope.get(GetWallet))(customer_id) if customer_id else None
            found = await reader.read(user_id, ServiceCode.ENTERPRISE_TOPUP.value)
            assert found is not None and expected_user is not None
            assert vars(found.user) | {"_sa_instance_state": None} == vars(expected_user) | {"_sa_instance_state": None}
            assert fields(found.member) == fields(expected_member)
            assert (found.access.customer_id if found.access and found.access.approved else None) == customer_id
            if expected_wallet is not None:
                assert found.wallet is not None
                assert (found.wallet.available, found.wallet.held) == (expected_wallet.available, expected_wallet.held)
            async with container() as scope:  # and the request's resolvers answer from what it read
                assert await (await scope.get(GetUserForRead))(user_id) is not None
                facts = await scope.get(CallerFacts)
                assert set(facts.members) == {user_id}
                assert fields(await (await scope.get(ResolveMember))(user_id)) == fields(expected_member)
        assert await reader.read("no-such-user", ServiceCode.ENTERPRISE_TOPUP.value) is None
    finally:
        await container.close()


async def test_the_payment_callback_shows_the_balance_after_the_credit(client: Client, settings: Settings) -> None:
    """The bank's return is a GET that credits the wallet before showing it: it asks the wallet afresh."""
    headers = use(client, await demo_customer(client, settings))
    for paid in (1, 2):
        started = await client.post("/api/v1/wallet/payments", json={"amount": 1_000_000}, headers=headers)
        bank_page = _local(started.json()["redirect_url"])
        back = await client.post(bank_page, data={"action": "pay"}, follow_redirects=False)
        seen = await client.get(_local(back.headers["location"]))
        shown = seen.text.split('data-testid="page-wallet-available">', 1)[1].split("<", 1)[0]
        assert shown == rials(paid * 1_000_000)
