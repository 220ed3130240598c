"""The «شارژ و بسته» pages through the real app: a new request, a sheet with one bad
row, the row fixed inline, the summary and the final confirmation holding the money."""

from __future__ import annotations

import re

from kook.entrypoints.settings import Settings
from tests.integration.helpers import Client
from tests.integration.test_customers_api import use
from tests.integration.test_requests_api import fund, sheet
from tests.integration.test_wallet_api import demo_customer


def token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


async def test_build_fix_and_confirm_a_request_in_the_portal(client: Client, settings: Settings) -> None:
    use(client, await demo_customer(client, settings))
    page = await client.get("/requests")
    assert page.status_code == 200 and "درخواست جدید" in page.text
    csrf = token(page.text)

    empty = await client.post("/requests", data={"name": " ", "kind": "topup", "csrf_token": csrf})
    assert empty.status_code == 422 and "این فیلد لازم است." in empty.text
    created = await client.post(
        "/requests", data={"name": "شارژ کارکنان", "kind": "topup", "csrf_token": csrf}, follow_redirects=False
    )
    assert created.status_code == 303
    path = created.headers["location"]
    request_id = path.rsplit("/", 1)[1]

    content = sheet([["09121234567", "500,000"], ["09351234567", "12.5"]], header=["شماره موبایل", "مبلغ"])
    uploaded = await client.post(
        f"{path}/uploads",
        files={"file": ("s.xlsx", content, "application/octet-stream")},
        data={"kind": "topup", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303, uploaded.text
    shown = await client.get(uploaded.headers["location"])
    assert "errors.xlsx" in shown.text and "مبلغ باید عددی صحیح به ریال باشد." in shown.text
    for action in ("ویرایش درخواست", "افزودن جزئیات", "آپلود فایل اکسل", "حذف درخواست"):
        assert action in shown.text
    bad_id = re.search(r'class="table-danger" data-line="(\d+)"', shown.text)
    assert bad_id

    refused = await client.post(f"{path}/confirm", data={"csrf_token": csrf})
    assert refused.status_code == 409 and "ردیف نامعتبر" in refused.text

    fixed = await client.post(
        f"{path}/lines/{bad_id.group(1)}",
        data={"mobile": "09351234567", "amount": "۳۰۰٬۰۰۰", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert fixed.status_code == 303
    short = await client.post(f"{path}/confirm", data={"csrf_token": csrf})
    assert short.status_code == 409 and "موجودی کیف پول کافی نیست." in short.text

    await fund(settings, 1_000_000)
    confirmed = await client.post(f"{path}/confirm", data={"csrf_token": csrf}, follow_redirects=False)
    assert confirmed.status_code == 303
    done = await client.get(path)
    assert 'data-status="confirmed"' in done.text and "لغو درخواست" in done.text
    assert (await client.get("/api/v1/wallet")).json() == {"available": 200_000, "held": 800_000, "total": 1_000_000}
    assert (await client.get(f"/api/v1/requests/{request_id}")).json()["status"] == "confirmed"
    listing = await client.get("/requests")
    assert "شارژ کارکنان" in listing.text


async def test_a_person_without_the_service_is_sent_to_the_next_step(client: Client) -> None:
    assert (await client.get("/requests", follow_redirects=False)).headers["location"] == "/login"
