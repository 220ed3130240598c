"""Messages issue 15 adds, through the real HTTP app on SQLite and PostgreSQL: mark all read, staff
announcements (Persian rich text kept safe: only a small allow-list of tags and https links survive) to
one customer or all, and the low-balance alert sent once per crossing (armed again above the threshold),
also when two checkers run at once."""

from __future__ import annotations

import asyncio
from typing import Any

from kook.application.messaging.check_low_balances import CheckLowBalances
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.shared.ports import SmsSender
from kook.application.wallet.ports import WalletUnitOfWork
from kook.domain.shared.ids import new_id
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import Settings
from kook.sandbox.demo import DEMO_CUSTOMER
from tests.fakes.sms import FakeSms
from tests.integration.helpers import Client
from tests.integration.test_customers_api import customer_session, staff_session, use
from tests.integration.test_requests_api import fund
from tests.integration.test_wallet_api import demo_customer

HOSTILE = (
    "<p>سلام <strong>مشتریان</strong> گرامی</p><script>alert(1)</script>"
    '<ul><li onclick="x()">یک</li></ul><a href="javascript:alert(1)">بد</a>'
    '<a href="https://kook.ir/news">خبر</a><img src=x onerror=alert(1)><p style="color:red">متن</p>'
)


async def test_announcements_are_sanitised_and_reach_one_or_all(client: Client, settings: Settings) -> None:
    alice = await demo_customer(client, settings)
    bob = await customer_session(client, "09351234567")
    admin = await staff_session(client, settings, "admin", "09350000009")
    headers = use(client, admin)
    response = await client.post(
        "/api/v1/admin/announcements", json={"title": "  اطلاعیهٔ   نوروزی ", "body": HOSTILE}, headers=headers
    )
    assert response.status_code == 201, response.text
    assert response.json()["recipients"] >= 1  # every customer (bob has none yet: no customer record)
    bad = await client.post(
        "/api/v1/admin/announcements", json={"title": "", "body": "<script>x</script>"}, headers=headers
    )
    assert bad.status_code == 422
    assert set(bad.json()["details"]["fields"]) == {"title", "body"}  # a body with nothing safe left is empty
    missing = await client.post(
        "/api/v1/admin/announcements", json={"title": "ت", "body": "<p>م</p>", "customer_id": "x" * 32}, headers=headers
    )
    assert missing.status_code == 404

    use(client, alice)
    [message] = (await client.get("/api/v1/messages")).json()["items"]
    assert (message["title"], message["kind"], message["format"]) == ("اطلاعیهٔ نوروزی", "announcement", "html")
    body = message["body"]
    for gone in ("<script", "onclick", "javascript:", "<img", "onerror", "style="):
        assert gone not in body
    assert "<strong>مشتریان</strong>" in body and "<li>یک</li>" in body
    assert 'href="https://kook.ir/news"' in body and 'rel="noopener noreferrer nofollow"' in body
    page = await client.get("/messages")
    assert "<strong>مشتریان</strong>" in page.text and "alert(1)" not in page.text

    bob_headers = use(client, bob)
    assert (await client.get("/api/v1/messages")).json()["items"] == []
    reviewer = await staff_session(client, settings, "reviewer", "09350000008")
    use(client, reviewer)
    assert (
        await client.post(
            "/api/v1/admin/announcements", json={"title": "ت", "body": "<p>م</p>"}, headers=use(client, reviewer)
        )
    ).status_code == 403
    use(client, bob)
    assert (
        await client.post("/api/v1/admin/announcements", json={"title": "ت", "body": "<p>م</p>"}, headers=bob_headers)
    ).status_code == 403  # a customer on a staff route: forbidden (only an anonymous caller is unauthenticated)


async def test_mark_all_read(client: Client, settings: Settings) -> None:
    alice = await demo_customer(client, settings)
    admin = await staff_session(client, settings, "admin", "09350000009")
    headers = use(client, admin)
    for n in range(3):
        await client.post(
            "/api/v1/admin/announcements", json={"title": f"خبر {n}", "body": "<p>م</p>"}, headers=headers
        )
    headers = use(client, alice)
    assert (await client.get("/api/v1/messages")).json()["unread_count"] == 3
    response = await client.post("/api/v1/messages/read-all", headers=headers)
    assert response.status_code == 200 and response.json() == {"marked": 3, "unread_count": 0}
    listed = (await client.get("/api/v1/messages")).json()
    assert listed["unread_count"] == 0 and all(m["read_at"] for m in listed["items"])
    assert (await client.post("/api/v1/messages/read-all", headers=headers)).json()["marked"] == 0


class Checker:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sms = FakeSms()

    def container(self) -> Any:
        from dishka import Provider, Scope, provide

        sms = self.sms

        class Overrides(Provider):
            scope = Scope.APP

            @provide(override=True)
            def sms_sender(self) -> SmsSender:
                return sms

        return make_http_container(self.settings, Overrides())

    async def check(self, times: int = 1) -> int:
        containers = [self.container() for _ in range(times)]
        try:

            async def once(container: Any) -> int:
                async with container() as scope:
                    return int(await (await scope.get(CheckLowBalances))())

            return sum(await asyncio.gather(*(once(c) for c in containers)))
        finally:
            for container in containers:
                await container.close()

    async def spend(self, customer_id: str, amount: int) -> None:
        container = make_http_container(self.settings)
        try:
            async with container() as scope:
                uow = await scope.get(WalletUnitOfWork)
                poster = await scope.get(LedgerPoster)
                async with uow:
                    await poster.hold(uow.ledger, customer_id, amount, key=new_id())
                    await uow.commit()
        finally:
            await container.close()


async def test_low_balance_alert_is_sent_once_per_crossing(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    customer_id = await fund(settings, 1_000_000)
    checker = Checker(settings)
    assert (await client.get("/api/v1/wallet/low-balance")).json() == {"threshold": None}
    for bad in (0, -5, "۱۰۰"):
        response = await client.put("/api/v1/wallet/low-balance", json={"threshold": bad}, headers=headers)
        assert response.status_code in (400, 422), response.text
    response = await client.put("/api/v1/wallet/low-balance", json={"threshold": 500_000}, headers=headers)
    assert response.status_code == 200 and response.json() == {"threshold": 500_000}
    assert await checker.check() == 0  # 1,000,000 is above

    await checker.spend(customer_id, 600_000)  # 400,000 left: crossed
    assert await checker.check(times=2) == 1  # two checkers at once: told once
    assert await checker.check() == 0  # still below: nothing new
    await checker.spend(customer_id, 100_000)
    assert await checker.check() == 0
    [sms] = checker.sms.sent_to(DEMO_CUSTOMER[0])
    assert "۴۰۰٬۰۰۰" in sms.text
    low = [m for m in (await client.get("/api/v1/messages")).json()["items"] if m["kind"] == "low_balance"]
    assert len(low) == 1 and "۵۰۰٬۰۰۰" in low[0]["body"]

    await fund(settings, 700_000)  # 1,000,000: above again, armed
    assert await checker.check() == 0
    await checker.spend(customer_id, 600_000)  # below again: a second crossing
    assert await checker.check() == 1
    assert len(checker.sms.sent_to(DEMO_CUSTOMER[0])) == 2

    off = await client.put("/api/v1/wallet/low-balance", json={"threshold": None}, headers=headers)
    assert off.json() == {"threshold": None}
    await checker.spend(customer_id, 300_000)
    assert await checker.check() == 0


async def test_the_threshold_is_set_on_the_messages_page(client: Client, settings: Settings) -> None:
    use(client, await demo_customer(client, settings))
    page = await client.get("/messages")
    assert 'data-testid="low-balance"' in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    bad = await client.post("/messages/low-balance", data={"csrf_token": csrf, "threshold": "پانصد"})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text and 'value="پانصد"' in bad.text
    saved = await client.post(
        "/messages/low-balance", data={"csrf_token": csrf, "threshold": "۵۰۰٬۰۰۰"}, follow_redirects=False
    )
    assert saved.status_code in (302, 303)
    assert (await client.get("/api/v1/wallet/low-balance")).json() == {"threshold": 500_000}
    assert "حد هشدار موجودی کم ذخیره شد" in (await client.get("/messages")).text
    await client.post("/messages/low-balance", data={"csrf_token": csrf, "threshold": ""})
    assert (await client.get("/api/v1/wallet/low-balance")).json() == {"threshold": None}

    use(client, await customer_session(client, "09351234567"))  # no active service: no wallet, no alert
    assert 'data-testid="low-balance"' not in (await client.get("/messages")).text


async def test_an_admin_announces_from_the_back_office_page(client: Client, settings: Settings) -> None:
    alice = await demo_customer(client, settings)
    use(client, await staff_session(client, settings, "admin", "09350000009"))
    page = await client.get("/admin/announcements")
    assert page.status_code == 200 and 'data-menu="announcements"' in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    empty = await client.post("/admin/announcements", data={"csrf_token": csrf, "title": "خبر", "body": "<img src=x>"})
    assert empty.status_code == 422 and "این فیلد لازم است" in empty.text
    unknown = await client.post(
        "/admin/announcements", data={"csrf_token": csrf, "title": "خبر", "body": "<p>م</p>", "customer_id": "nope"}
    )
    assert unknown.status_code == 422 and 'aria-invalid="true"' in unknown.text
    sent = await client.post(
        "/admin/announcements",
        data={"csrf_token": csrf, "title": "تعطیلات نوروز", "body": HOSTILE},
        follow_redirects=False,
    )
    assert sent.status_code in (302, 303)
    use(client, alice)
    [message] = (await client.get("/api/v1/messages")).json()["items"]
    assert message["title"] == "تعطیلات نوروز" and "<script" not in message["body"]
