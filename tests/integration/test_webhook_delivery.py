"""Webhook deliveries against a real local receiver: signed (checked here with hmac, independently of Kook's
code), retried with backoff until the receiver takes it — always with the same delivery id — then left alone;
given up after a day; and sent only to public addresses (SSRF attempts refused, redirects not followed, the
connection made to the address that was checked)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.engine import make_engine, make_session_factory
from kook.adapters.postgres.repositories.webhooks import SqlWebhookOutbox
from kook.adapters.postgres.unit_of_work.webhooks import SqlWebhookUnitOfWork
from kook.adapters.webhooks.sender import HmacWebhookSecrets, HttpWebhookSender
from kook.application.webhooks.ports import WebhookConfig
from kook.application.webhooks.register_endpoint import RegisterEndpoint
from kook.application.webhooks.send_due_deliveries import SendDueDeliveries
from kook.domain.webhooks.webhook import DestinationRefused
from kook.entrypoints.settings import Settings
from tests.fakes.clock import FakeClock
from tests.integration.test_customers_api import use
from tests.integration.test_wallet_api import demo_customer
from tests.integration.webhook_receiver import webhook_receiver

pytestmark = pytest.mark.anyio
CONFIG = WebhookConfig(require_https=False, first_retry_seconds=30, max_retry_seconds=3600)
SECRETS = HmacWebhookSecrets(b"k" * 32)


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The receiver's check, from the documented scheme (docs/INTEGRATION.md) alone."""
    lowered = {k.lower(): v for k, v in headers.items()}
    timestamp = lowered["kook-webhook-timestamp"]
    expected = "v1=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, lowered["kook-webhook-signature"])


class World:
    def __init__(self, factory: async_sessionmaker[AsyncSession], sender: HttpWebhookSender) -> None:
        self.factory = factory
        self.clock = FakeClock()
        self.sender = sender

    def uow(self) -> SqlWebhookUnitOfWork:
        return SqlWebhookUnitOfWork(self.factory, self.clock)

    async def endpoint(self, url: str) -> tuple[str, str]:
        register = RegisterEndpoint(self.uow(), self.sender, SECRETS, self.clock, CONFIG)
        endpoint, secret = await register("c" * 32, "u" * 32, url, ["line.outcome", "request.finished"])
        return endpoint.id, secret

    async def event(self, event: str, data: dict[str, Any]) -> None:
        uow = self.uow()
        async with uow:
            await SqlWebhookOutbox(uow.session, self.clock).record("c" * 32, event, [data])
            await uow.commit()

    async def send(self) -> Any:
        return await SendDueDeliveries(self.uow(), self.sender, SECRETS, self.clock, CONFIG)()

    async def deliveries(self) -> list[Any]:
        uow = self.uow()
        async with uow:
            return await uow.webhooks.deliveries_of("c" * 32, after=None, limit=100)


@pytest.fixture
async def world(settings: Settings) -> AsyncIterator[World]:
    engine = make_engine(settings.database_url)
    sender = HttpWebhookSender(timeout_seconds=2, allow_loopback=True)
    try:
        yield World(make_session_factory(engine), sender)
    finally:
        await sender.aclose()
        await engine.dispose()


async def test_a_delivery_is_retried_with_backoff_until_taken_with_one_id_and_valid_signatures(world: World) -> None:
    with webhook_receiver(statuses=[500, 503]) as receiver:
        _, secret = await world.endpoint(receiver.url)
        await world.event("request.finished", {"request_id": "r1", "status": "completed"})

        first = await world.send()
        assert (first.delivered, first.retrying) == (0, 1)
        assert (await world.send()).retrying == 0  # not due yet: nothing sent before the backoff
        world.clock.advance(seconds=30)
        assert (await world.send()).retrying == 1  # the second try, 30 s later, refused again
        world.clock.advance(seconds=59)
        assert (await world.send()).retrying == 0  # the next waits 60 s
        world.clock.advance(seconds=1)
        assert (await world.send()).delivered == 1
        world.clock.advance(days=2)
        assert (await world.send()).delivered == 0  # delivered: never sent again

        got = receiver.snapshot()
    assert len(got) == 3
    ids = {r.headers["Kook-Webhook-Id"] for r in got}
    assert len(ids) == 1  # one delivery id across every retry: the receiver deduplicates on it
    for r in got:
        assert verify(secret, r.headers, r.body)
        assert json.loads(r.body)["id"] in ids
        assert json.loads(r.body)["event"] == r.headers["Kook-Webhook-Event"] == "request.finished"
    assert not verify(secret + "x", got[0].headers, got[0].body)
    [stored] = await world.deliveries()
    assert (stored.status, stored.attempts, stored.last_status) == ("delivered", 3, 200)


async def test_one_pass_sends_many_deliveries_at_once_each_once(world: World) -> None:
    with webhook_receiver(statuses=[500] * 3) as receiver:
        _, secret = await world.endpoint(receiver.url)
        for i in range(12):
            await world.event("line.outcome", {"line_id": str(i), "status": "succeeded"})
        report = await world.send()
        assert (report.delivered, report.retrying) == (9, 3)  # sent together; three refused, kept for later
        world.clock.advance(seconds=30)
        assert (await world.send()).delivered == 3
        got = receiver.snapshot()
    ids = [r.headers["Kook-Webhook-Id"] for r in got]
    assert len(ids) == 15 and len(set(ids)) == 12  # twelve deliveries, three of them tried twice
    assert sorted(json.loads(r.body)["data"]["line_id"] for r in got if ids.count(r.headers["Kook-Webhook-Id"]) == 1)
    assert all(verify(secret, r.headers, r.body) for r in got)
    assert {d.status for d in await world.deliveries()} == {"delivered"}


async def test_a_receiver_that_never_answers_well_is_given_up_after_a_day(world: World) -> None:
    with webhook_receiver(statuses=[500] * 100) as receiver:
        await world.endpoint(receiver.url)
        await world.event("line.outcome", {"line_id": "1", "status": "succeeded"})
        tries = 0
        for _ in range(60):
            tries += (await world.send()).retrying
            world.clock.advance(hours=1)
        [stored] = await world.deliveries()
    assert stored.status == "failed" and stored.next_attempt_at is None
    assert stored.give_up_at - stored.created_at == timedelta(days=1)
    assert 5 <= stored.attempts <= 40  # backoff: far fewer tries than the hours waited
    assert len(receiver.snapshot()) == stored.attempts


async def test_an_event_without_a_subscribed_endpoint_writes_nothing(world: World) -> None:
    with webhook_receiver() as receiver:
        await world.endpoint(receiver.url)  # line.outcome and request.finished only
        await world.event("payment.credited", {"amount": 1})
        assert await world.deliveries() == []


async def test_a_redirect_is_not_followed(world: World) -> None:
    with webhook_receiver(statuses=[302]) as receiver:
        await world.endpoint(receiver.url)
        await world.event("line.outcome", {"line_id": "1"})
        report = await world.send()
        assert report.retrying == 1  # a 3xx is not a 2xx: tried again later, the Location never visited
        assert len(receiver.snapshot()) == 1
        [stored] = await world.deliveries()
        assert stored.last_status == 302


# --- SSRF ---------------------------------------------------------------------------------------------------

REFUSED = [
    "http://127.0.0.1/hook",
    "http://localhost/hook",
    "http://10.0.0.8/hook",
    "http://172.16.0.1/hook",
    "http://192.168.1.10:8080/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/hook",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[fe80::1]/hook",
    "http://[fd00::1]/hook",
    "http://0.0.0.0/hook",
    "http://2130706433/hook",  # 127.0.0.1 in decimal
    "http://0177.0.0.1/hook",  # in octal
    "http://0x7f.0.0.1/hook",  # in hex
    "http://017700000001/hook",  # the whole address in octal
    "http://3232235777/hook",  # 192.168.1.1 in decimal
    "http://2852039166/hook",  # 169.254.169.254 in decimal
]


@pytest.mark.parametrize("url", REFUSED)
async def test_private_loopback_and_metadata_destinations_are_refused(url: str) -> None:
    sender = HttpWebhookSender(timeout_seconds=1)
    try:
        with pytest.raises(DestinationRefused):
            await sender.check_destination(url)
        with pytest.raises(DestinationRefused):
            await sender.post(url, b"{}", {})
    finally:
        await sender.aclose()


async def test_allowing_loopback_for_tests_still_refuses_private_and_metadata_addresses() -> None:
    sender = HttpWebhookSender(timeout_seconds=1, allow_loopback=True)
    try:
        await sender.check_destination("http://127.0.0.1:9/hook")
        for url in ("http://10.0.0.8/", "http://169.254.169.254/", "http://2852039166/", "http://[fd00::1]/"):
            with pytest.raises(DestinationRefused):
                await sender.check_destination(url)
    finally:
        await sender.aclose()


async def test_a_host_resolving_to_a_private_address_is_refused_even_among_public_ones() -> None:
    async def dns(host: str, port: int) -> list[str]:
        return {"inside.example": ["10.1.2.3"], "mixed.example": ["93.184.216.34", "127.0.0.1"]}.get(host, [])

    sender = HttpWebhookSender(timeout_seconds=1, resolver=dns)
    try:
        for url in ("https://inside.example/hook", "https://mixed.example/hook", "https://nowhere.example/"):
            with pytest.raises(DestinationRefused):
                await sender.check_destination(url)
    finally:
        await sender.aclose()


async def test_the_connection_goes_to_the_checked_address_not_a_second_lookup() -> None:
    """DNS rebinding: the first answer is checked and used; a later, different answer is never asked for."""
    answers = [["127.0.0.1"], ["10.9.9.9"]]
    asked: list[str] = []

    async def dns(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers.pop(0) if answers else ["10.9.9.9"]

    sender = HttpWebhookSender(timeout_seconds=2, allow_loopback=True, resolver=dns)
    try:
        with webhook_receiver() as receiver:
            status = await sender.post(f"http://hooks.example:{receiver.port}/in", b"{}", {"X-Test": "1"})
            got = receiver.snapshot()
        assert status == 200 and len(asked) == 1
        assert got[0].headers["Host"] == f"hooks.example:{receiver.port}"  # the name, sent to the checked address
        with pytest.raises(DestinationRefused):  # the next call resolves again, to a private address: refused
            await sender.post(f"http://hooks.example:{receiver.port}/in", b"{}", {})
    finally:
        await sender.aclose()


async def test_registering_a_private_destination_through_the_api_is_refused(client: Any, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    for url in ("http://127.0.0.1:8080/hook", "http://169.254.169.254/", "http://2130706433/", "http://[::1]/"):
        response = await client.post("/api/v1/webhooks", json={"url": url, "events": ["line.outcome"]}, headers=headers)
        assert response.status_code == 422, url
        assert response.json()["code"] == "webhook_destination_refused"
    listed = await client.get("/api/v1/webhooks")
    assert listed.json()["items"] == []
