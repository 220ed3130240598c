"""Webhooks through the real app: an endpoint registered (its secret shown once), an online payment credited →
a payment.credited delivery written with the credit, sent by the worker's pass to a real local receiver (signature
checked here with hmac), listed in the delivery log, replayed with the same id; and the /webhooks page."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any

import pytest

from kook.application.webhooks.send_due_deliveries import SendDueDeliveries
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import Settings
from tests.integration.helpers import Client
from tests.integration.test_customers_api import use
from tests.integration.test_wallet_api import demo_customer
from tests.integration.webhook_receiver import Received, webhook_receiver

pytestmark = pytest.mark.anyio


@pytest.fixture
def settings(settings_factory: Any) -> Settings:
    built: Settings = settings_factory(KOOK_WEBHOOK_ALLOW_LOOPBACK="true")  # the receiver is on 127.0.0.1
    return built


def verified(secret: str, received: Received) -> bool:
    timestamp = received.headers["Kook-Webhook-Timestamp"]
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + received.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest("v1=" + mac, received.headers["Kook-Webhook-Signature"])


async def send_due(settings: Settings) -> Any:
    container = make_http_container(settings)
    try:
        async with container() as scope:
            return await (await scope.get(SendDueDeliveries))()
    finally:
        await container.close()


async def pay(client: Client, headers: dict[str, str], amount: int) -> None:
    started = await client.post("/api/v1/wallet/payments", json={"amount": amount}, headers=headers)
    assert started.status_code == 201, started.text
    path = "/" + started.json()["redirect_url"].split("/", 3)[3]
    back = await client.post(path, data={"action": "pay"}, follow_redirects=False)
    result = await client.get("/" + back.headers["location"].split("/", 3)[3])
    assert result.status_code == 200


async def test_a_credited_payment_is_told_signed_logged_and_replayed_with_the_same_id(
    client: Client, settings: Settings
) -> None:
    headers = use(client, await demo_customer(client, settings))
    with webhook_receiver() as receiver:
        made = await client.post(
            "/api/v1/webhooks", json={"url": receiver.url, "events": ["payment.credited"]}, headers=headers
        )
        assert made.status_code == 201, made.text
        secret = made.json()["secret"]
        assert secret.startswith("whsec_") and made.json()["events"] == ["payment.credited"]
        listed = (await client.get("/api/v1/webhooks")).json()["items"]
        assert [e["id"] for e in listed] == [made.json()["id"]] and secret not in str(listed)

        await pay(client, headers, 2_000_000)
        [pending] = (await client.get("/api/v1/webhooks/deliveries")).json()["items"]
        assert (pending["event"], pending["status"], pending["attempts"]) == ("payment.credited", "pending", 0)
        assert json.loads(pending["payload"])["data"]["amount"] == 2_000_000

        assert (await send_due(settings)).delivered == 1
        [first] = receiver.snapshot()
        assert verified(secret, first)
        assert first.headers["Kook-Webhook-Id"] == pending["id"] == json.loads(first.body)["id"]
        [done] = (await client.get("/api/v1/webhooks/deliveries")).json()["items"]
        assert (done["status"], done["attempts"], done["last_status"]) == ("delivered", 1, 200)

        replay = await client.post(f"/api/v1/webhooks/deliveries/{done['id']}/replay", headers=headers)
        assert replay.status_code == 202
        assert (await client.get("/api/v1/webhooks/deliveries")).json()["items"][0]["status"] == "pending"
        assert (await send_due(settings)).delivered == 1
        got = receiver.snapshot()
        assert [r.headers["Kook-Webhook-Id"] for r in got] == [pending["id"]] * 2  # a replay keeps the id
        assert all(verified(secret, r) for r in got)

        missing = await client.post(f"/api/v1/webhooks/deliveries/{'0' * 32}/replay", headers=headers)
        assert missing.status_code == 404
        removed = await client.delete(f"/api/v1/webhooks/{made.json()['id']}", headers=headers)
        assert removed.status_code == 204
        assert (await client.get("/api/v1/webhooks")).json()["items"] == []
        await pay(client, headers, 1_000_000)  # no endpoint any more: nothing written
        assert len((await client.get("/api/v1/webhooks/deliveries")).json()["items"]) == 1


async def test_the_webhooks_page_registers_shows_the_secret_once_and_deletes(
    client: Client, settings: Settings
) -> None:
    use(client, await demo_customer(client, settings))
    page = await client.get("/webhooks")
    assert page.status_code == 200 and "وب‌هوک‌ها" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    with webhook_receiver() as receiver:
        shown = await client.post(
            "/webhooks",
            data={"url": receiver.url, "events": ["line.outcome", "request.finished"], "csrf_token": token.group(1)},
        )
    assert shown.status_code == 200 and 'data-testid="new-webhook-secret"' in shown.text
    secret = re.search(r"whsec_[A-Za-z0-9_-]+", shown.text)
    assert secret is not None
    again = await client.get("/webhooks")
    assert secret.group(0) not in again.text  # shown once
    endpoint = re.search(r'action="/webhooks/([0-9a-f]{32})/delete"', again.text)
    assert endpoint is not None
    refused = await client.post(
        "/webhooks", data={"url": "http://169.254.169.254/", "events": ["line.outcome"], "csrf_token": token.group(1)}
    )
    assert refused.status_code == 422 and "نشانی" in refused.text
    deleted = await client.post(
        f"/webhooks/{endpoint.group(1)}/delete", data={"csrf_token": token.group(1)}, follow_redirects=False
    )
    assert deleted.status_code == 303
    assert endpoint.group(1) not in (await client.get("/webhooks")).text
    guide = await client.get("/docs/integration")
    assert guide.status_code == 200 and "Kook-Webhook-Signature" in guide.text
