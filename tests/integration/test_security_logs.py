"""Issue 16 (secrets): a whole journey — sign-up with its code, login, a one-time-code login, a password change, an
API key, a payment, a slip, a sheet upload, staff decisions — logged at debug level in the production format
(JSON), and no line holds a password, a one-time code, a session id, a CSRF token, an API key, a gateway token or
the secret key."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from litestar.testing import AsyncTestClient

from kook.entrypoints.http.app import create_app
from kook.entrypoints.logging import configure_logging
from kook.entrypoints.settings import Settings
from tests.fakes.customers import LEGAL
from tests.integration.helpers import last_code
from tests.integration.test_catalog_api import page_token
from tests.integration.test_customers_api import staff_session, use
from tests.integration.test_requests_api import new_request, sheet, upload
from tests.integration.test_wallet_api import deposit_form, png

MOBILE = "09121234567"
FIRST_PASSWORD = "first-Secret-pass-81"
SECOND_PASSWORD = "second-Secret-pass-92"


@pytest.fixture
def json_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """Production-format logs (JSON, debug level) of everything, the libraries' too, into a buffer."""
    buffer = io.StringIO()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    monkeypatch.setattr(sys, "stderr", buffer)  # configure_logging writes to the stderr of the moment
    configure_logging("debug", "json")
    try:
        yield buffer
    finally:
        structlog.reset_defaults()
        root.handlers, root.level = handlers, level


async def test_no_secret_of_a_whole_journey_reaches_the_logs(
    settings: Settings, settings_factory: Any, json_logs: io.StringIO
) -> None:
    # ``settings`` is asked for first, outside the event loop: the services' fixtures need asyncio.run
    settings = settings_factory(KOOK_OTP_PER_MOBILE_PER_MINUTE="5")  # the secret key: generated under the data dir
    secrets: set[str] = {settings.secret_key, FIRST_PASSWORD, SECOND_PASSWORD}
    async with AsyncTestClient(app=create_app(settings)) as client:
        signup = await client.post(
            "/api/v1/auth/signup",
            json={"mobile": MOBILE, "first_name": "علی", "last_name": "رضایی", "password": FIRST_PASSWORD},
        )
        assert signup.status_code == 202
        code = await last_code(client, MOBILE)
        verified = await client.post("/api/v1/auth/signup/verify", json={"mobile": MOBILE, "code": code})
        assert verified.status_code == 200
        secrets |= {code, verified.json()["csrf_token"], client.cookies["kook_session"]}

        client.cookies.clear()
        login = await client.post("/api/v1/auth/login", json={"mobile": MOBILE, "password": FIRST_PASSWORD})
        assert login.status_code == 200
        jar = dict(login.cookies)
        secrets |= set(jar.values())
        headers = use(client, jar)
        changed = await client.post(
            "/api/v1/me/password",
            json={"current_password": FIRST_PASSWORD, "new_password": SECOND_PASSWORD},
            headers=headers,
        )
        assert changed.status_code == 204
        client.cookies.clear()
        wrong = await client.post("/api/v1/auth/login", json={"mobile": MOBILE, "password": FIRST_PASSWORD + "x"})
        assert wrong.status_code == 401
        secrets.add(FIRST_PASSWORD + "x")

        client.cookies.clear()
        assert (await client.post("/api/v1/auth/otp", json={"mobile": MOBILE})).status_code == 202
        otp = await last_code(client, MOBILE)
        otp_login = await client.post("/api/v1/auth/otp/verify", json={"mobile": MOBILE, "code": otp})
        assert otp_login.status_code == 200
        jar = dict(otp_login.cookies)
        secrets |= {otp, *jar.values()}
        headers = use(client, jar)
        key = await client.post("/api/v1/api-keys", json={"name": "erp"}, headers=headers)
        secrets.add(key.json()["key"])
        keyed = await client.get("/api/v1/me", headers={"authorization": f"Bearer {key.json()['key']}"})
        assert keyed.status_code == 200

        # the customer's profile approved by a reviewer, the service activated
        assert (await client.put("/api/v1/customer", json=LEGAL, headers=headers)).status_code == 200
        assert (await client.post("/api/v1/customer/submit", headers=headers)).status_code == 200
        reviewer = await staff_session(client, settings, "reviewer", "09350000001")
        secrets |= set(reviewer.values())
        customer_id = (await client.get("/api/v1/admin/customers")).json()["items"][0]["id"]
        approve = await client.post(f"/api/v1/admin/customers/{customer_id}/approve", headers=use(client, reviewer))
        assert approve.status_code == 200
        headers = use(client, jar)
        terms = (await client.get("/api/v1/services")).json()["items"][0]["terms_version"]
        activated = await client.post(
            "/api/v1/services/enterprise_topup/activate",
            json={"accept_terms": True, "terms_version": terms},
            headers=headers,
        )
        assert activated.status_code in (200, 201), activated.text

        # money: an online payment, a slip approved by finance; a sheet
        started = await client.post("/api/v1/wallet/payments", json={"amount": 1_000_000}, headers=headers)
        bank_page = "/" + started.json()["redirect_url"].split("/", 3)[3]
        secrets.add(bank_page.rsplit("/", 1)[1])  # the gateway's token
        back = await client.post(bank_page, data={"action": "pay"}, follow_redirects=False)
        await client.get("/" + back.headers["location"].split("/", 3)[3])
        slip = await client.post(
            "/api/v1/wallet/deposits",
            data=deposit_form(),
            files={"slip": ("s.png", png(), "image/png")},
            headers=headers,
        )
        assert slip.status_code == 201
        finance = await staff_session(client, settings, "finance", "09350000002")
        secrets |= set(finance.values())
        home = await client.get("/admin")
        secrets.add(page_token(home.text))
        approved = await client.post(
            f"/api/v1/admin/deposits/{slip.json()['id']}/approve", headers=use(client, finance)
        )
        assert approved.status_code == 200
        headers = use(client, jar)
        request_id = await new_request(client, headers)
        uploaded = await upload(client, headers, request_id, sheet([["09121234567", 500_000]], ["mobile", "amount"]))
        assert uploaded.status_code == 201, uploaded.text

    secrets = {s for s in secrets if s and len(s) >= 4}
    logs = json_logs.getvalue()
    assert "payment_credited" in logs and "request_id" in logs  # the journey was logged
    found = sorted(s[:6] + "…" for s in secrets if s in logs)
    print(f"\nsecrets scanned: {len(secrets)} in {len(logs.splitlines())} log lines; found: {len(found)}")
    assert not found, found
