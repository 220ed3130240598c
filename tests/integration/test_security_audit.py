"""Issue 16 (audit): every money and approval action leaves its audit row — who, what, when and from where — and
the audit table is append-only on PostgreSQL (migration 0016: a trigger refuses UPDATE, DELETE and TRUNCATE).

The walk drives each action through the HTTP app as the people who do it, then reads ``audit_log`` back.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from litestar import Litestar
from sqlalchemy.ext.asyncio import create_async_engine

from kook.adapters.postgres.tables import audit as tables_audit
from kook.entrypoints.settings import Settings
from tests.integration.helpers import Client
from tests.integration.test_catalog_api import NEW_PACKAGE, _seed_restored, log_in_staff  # noqa: F401 (fixture)
from tests.integration.test_customers_api import staff_session, submitted_customer, use
from tests.integration.test_requests_api import fund, new_request
from tests.integration.test_wallet_api import demo_customer, deposit_form, png

# The client address the test client's requests come from (Litestar's test transport).
TEST_CLIENT_ADDRESS = "testclient"


async def _audit_rows(settings: Settings) -> list[Any]:
    engine = create_async_engine(settings.database_url)  # not the app's: another event loop
    try:
        async with engine.connect() as connection:
            return list(
                (
                    await connection.execute(sa.select(tables_audit.audit_log).order_by(tables_audit.audit_log.c.id))
                ).all()
            )
    finally:
        await engine.dispose()


def _local(url: str) -> str:
    return "/" + url.split("/", 3)[3]


async def test_every_money_and_approval_action_has_its_audit_row_with_who_what_when_and_where(
    client: Client, settings: Settings, app: Litestar
) -> None:
    started_at = datetime.now(UTC) - timedelta(seconds=1)
    expected: list[tuple[str, str, str]] = []  # (action, actor prefix, subject prefix)

    # KYC: a reviewer approves one customer and rejects another
    first = await submitted_customer(client, "09121230001")
    second = await submitted_customer(client, "09121230002")
    reviewer = await staff_session(client, settings, "reviewer", "09350000001")
    headers = use(client, reviewer)
    queue = (await client.get("/api/v1/admin/customers")).json()["items"]
    by_mobile = {item["owner_mobile"]: item["id"] for item in queue}
    approve = await client.post(f"/api/v1/admin/customers/{by_mobile['09121230001']}/approve", headers=headers)
    assert approve.status_code == 200, approve.text
    reject = await client.post(
        f"/api/v1/admin/customers/{by_mobile['09121230002']}/reject", json={"reason": "مدارک ناخوانا"}, headers=headers
    )
    assert reject.status_code == 200, reject.text
    expected += [("customer.approve", "staff:", "customer:"), ("customer.reject", "staff:", "customer:")]
    del first, second

    # Wallet: an online payment credited on the bank's return; finance approves one slip and rejects another
    customer = await demo_customer(client, settings)
    headers = use(client, customer)
    payment = await client.post("/api/v1/wallet/payments", json={"amount": 1_000_000}, headers=headers)
    assert payment.status_code == 201, payment.text
    back = await client.post(_local(payment.json()["redirect_url"]), data={"action": "pay"}, follow_redirects=False)
    assert (await client.get(_local(back.headers["location"]))).status_code == 200
    assert (await client.get("/api/v1/wallet")).json()["available"] == 1_000_000
    expected.append(("payment.credit", "", "payment:"))
    slips = []
    for tracking in ("55501234", "55501235"):
        slip = await client.post(
            "/api/v1/wallet/deposits",
            data=deposit_form(tracking_number=tracking),
            files={"slip": ("s.png", png(), "image/png")},
            headers=headers,
        )
        assert slip.status_code == 201, slip.text
        slips.append(slip.json()["id"])
    finance = await staff_session(client, settings, "finance", "09350000002")
    headers = use(client, finance)
    assert (await client.post(f"/api/v1/admin/deposits/{slips[0]}/approve", headers=headers)).status_code == 200
    rejected = await client.post(
        f"/api/v1/admin/deposits/{slips[1]}/reject", json={"reason": "تکراری"}, headers=headers
    )
    assert rejected.status_code == 200, rejected.text
    expected += [("deposit.approve", "staff:", "deposit:"), ("deposit.reject", "staff:", "deposit:")]

    # Requests: the customer confirms (the hold) and cancels (the release)
    headers = use(client, customer)
    request_id = await new_request(client, headers)
    line = await client.post(
        f"/api/v1/requests/{request_id}/lines", json={"mobile": "09121234567", "amount": 500_000}, headers=headers
    )
    assert line.status_code == 201, line.text
    await fund(settings, 10_000)
    assert (await client.post(f"/api/v1/requests/{request_id}/confirm", headers=headers)).status_code == 200
    assert (await client.post(f"/api/v1/requests/{request_id}/cancel", headers=headers)).status_code == 200
    expected += [("request.confirmed", "", ""), ("request.cancelled", "", "")]

    # Catalogue prices: an admin adds a package and changes its price
    token = await log_in_staff(client, app)
    created = await client.post("/api/v1/admin/catalog/packages", json=NEW_PACKAGE, headers={"x-csrftoken": token})
    assert created.status_code == 201, created.text
    edited = await client.patch(
        f"/api/v1/admin/catalog/packages/{created.json()['id']}",
        json={"price": 310_000},
        headers={"x-csrftoken": token},
    )
    assert edited.status_code == 200, edited.text
    expected += [("package.create", "staff:", "package:"), ("package.update", "staff:", "package:")]

    rows = await _audit_rows(settings)
    missing = []
    for action, actor_prefix, subject_prefix in expected:
        found = [r for r in rows if r.action == action]
        if not found:
            missing.append(f"{action}: no audit row")
            continue
        row = found[-1]
        problems = []
        if not row.actor or not row.actor.startswith(actor_prefix):
            problems.append(f"actor {row.actor!r}")
        if not row.subject.startswith(subject_prefix):
            problems.append(f"subject {row.subject!r}")
        if row.at is None or not started_at <= row.at <= datetime.now(UTC) + timedelta(seconds=1):
            problems.append(f"at {row.at!r}")
        if row.address != TEST_CLIENT_ADDRESS:
            problems.append(f"address {row.address!r}")
        if problems:
            missing.append(f"{action}: {', '.join(problems)}")
    assert not missing, "\n".join(missing)
    money = [r for r in rows if r.action in ("payment.credit", "deposit.approve", "request.confirmed")]
    assert all(r.after and r.after.get("amount", r.after.get("total")) for r in money), [r.after for r in money]

    # the back office (the admin, still logged in) reads where each came from
    listed = (await client.get("/api/v1/admin/audit")).json()["items"]
    walked = {action for action, _, _ in expected}
    assert {item["address"] for item in listed if item["action"] in walked} == {TEST_CLIENT_ADDRESS}
    # staff made by the command line (here: the test's own container) came from no request
    assert {item["address"] for item in listed if item["action"] == "staff.create"} == {None}


async def test_the_address_behind_a_proxy_is_the_forwarded_one_only_when_trusted(
    settings_factory: Any, settings: Settings
) -> None:
    del settings  # resolved first, outside the event loop: the services' fixtures need asyncio.run
    from litestar.testing import AsyncTestClient

    from kook.entrypoints.http.app import create_app

    settings = settings_factory(KOOK_HTTP_TRUST_PROXY_HEADERS="true")
    async with AsyncTestClient(app=create_app(settings)) as client:
        reviewer = await staff_session(client, settings, "reviewer", "09350000001")
        await submitted_customer(client, "09121230001")
        headers = use(client, reviewer) | {"x-forwarded-for": "203.0.113.7, 10.0.0.1"}
        customer_id = (await client.get("/api/v1/admin/customers")).json()["items"][0]["id"]
        approved = await client.post(f"/api/v1/admin/customers/{customer_id}/approve", headers=headers)
        assert approved.status_code == 200, approved.text
    [row] = [r for r in await _audit_rows(settings) if r.action == "customer.approve"]
    assert row.address == "203.0.113.7"


@pytest.mark.parametrize("backend", ["postgres"])
async def test_the_audit_table_refuses_update_delete_and_truncate_on_postgresql(
    client: Client, settings: Settings, backend: str
) -> None:
    await submitted_customer(client, "09121230001")
    reviewer = await staff_session(client, settings, "reviewer", "09350000001")
    headers = use(client, reviewer)
    customer_id = (await client.get("/api/v1/admin/customers")).json()["items"][0]["id"]
    assert (await client.post(f"/api/v1/admin/customers/{customer_id}/approve", headers=headers)).status_code == 200
    before = await _audit_rows(settings)
    assert before

    engine = create_async_engine(settings.database_url)  # the application's own role and URL
    refused = []
    try:
        for statement in (
            sa.update(tables_audit.audit_log).values(actor="someone-else"),
            sa.delete(tables_audit.audit_log),
            sa.text("TRUNCATE audit_log"),
        ):
            try:
                async with engine.begin() as connection:
                    await connection.execute(statement)
            except sa.exc.DBAPIError as exc:
                assert "append-only" in str(exc)
                refused.append(str(statement).split()[0])
        async with engine.begin() as connection:  # appending still works
            await connection.execute(
                tables_audit.audit_log.insert().values(
                    at=datetime.now(UTC), actor="system", action="test.append", subject="x"
                )
            )
    finally:
        await engine.dispose()
    assert refused == ["UPDATE", "DELETE", "TRUNCATE"]
    after = await _audit_rows(settings)
    assert [tuple(r) for r in after[: len(before)]] == [tuple(r) for r in before]
    assert len(after) == len(before) + 1
