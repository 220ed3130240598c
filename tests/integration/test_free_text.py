"""Issue 20: NUL and bidi overrides were kept in request names (and shown to staff). One rule for
free text (``kook.domain.shared.text``): control characters are refused with 422 naming the field,
invisible format characters (bidi overrides, isolates, direction marks) are removed, ZWNJ is kept.
One API test per kind of field, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from litestar import Litestar

from kook.entrypoints.settings import Settings
from tests.fakes.customers import LEGAL
from tests.integration.helpers import Client, last_code
from tests.integration.test_catalog_api import (  # noqa: F401  (_seed_restored: autouse)
    NEW_PACKAGE,
    _seed_restored,
    log_in_staff,
)
from tests.integration.test_customers_api import customer_session, staff_session, use
from tests.integration.test_wallet_api import demo_customer, deposit_form, png

NUL = "\x00"
RLO, PDF, RLI, PDI, LRM = "\u202e", "\u202c", "\u2067", "\u2069", "\u200e"


def refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error" and field in body["details"]["fields"], body
    assert body["details"]["fields"][field]["code"] == "text_invalid"
    assert "نویسهٔ نامجاز" in body["details"]["fields"][field]["message"]


async def test_a_name_at_sign_up(client: Client) -> None:
    signup = {"mobile": "09121234567", "last_name": "نیک\u200cنام", "password": "a-good-password"}
    refused(await client.post("/api/v1/auth/signup", json={**signup, "first_name": f"سا{NUL}را"}), "first_name")
    ok = await client.post("/api/v1/auth/signup", json={**signup, "first_name": f"{RLO}سارا{PDF}"})
    assert ok.status_code == 202, ok.text
    code = await last_code(client, "09121234567")
    verified = await client.post("/api/v1/auth/signup/verify", json={"mobile": "09121234567", "code": code})
    assert verified.status_code == 200
    me = (await client.get("/api/v1/me")).json()
    assert (me["first_name"], me["last_name"]) == ("سارا", "نیک\u200cنام")


async def test_a_request_name(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    bad = await client.post("/api/v1/requests", json={"name": f"شارژ{NUL}", "kind": "topup"}, headers=headers)
    refused(bad, "name")
    control = await client.post("/api/v1/requests", json={"name": "شارژ\x1b[31m", "kind": "topup"}, headers=headers)
    refused(control, "name")
    made = await client.post(
        "/api/v1/requests",
        json={"name": f"{RLI}شارژ{PDI} {RLO}اسفند{PDF}{LRM} نیم\u200cفاصله", "kind": "topup"},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    assert made.json()["name"] == "شارژ اسفند نیم\u200cفاصله"
    renamed = await client.patch(f"/api/v1/requests/{made.json()['id']}", json={"name": f"a{NUL}"}, headers=headers)
    refused(renamed, "name")


async def test_a_customer_profile_and_its_rejection_reason(client: Client, settings: Settings) -> None:
    jar = await customer_session(client, "09121234567")
    headers = use(client, jar)
    bad = await client.put("/api/v1/customer", json={**LEGAL, "company_name": f"شرکت{NUL}آرمان"}, headers=headers)
    refused(bad, "company_name")
    saved = await client.put(
        "/api/v1/customer", json={**LEGAL, "address": f"{LEGAL['address']}{RLO} ۲۱ دحالپ"}, headers=headers
    )
    assert saved.status_code == 200, saved.text
    assert RLO not in saved.text and saved.json()["address"].endswith("پلاک ۱۲ ۲۱ دحالپ")
    assert (await client.post("/api/v1/customer/submit", headers=headers)).status_code == 200
    customer_id = saved.json()["id"]

    reviewer = use(client, await staff_session(client, settings, "reviewer", "09351110001"))
    url = f"/api/v1/admin/customers/{customer_id}/reject"
    refused(await client.post(url, json={"reason": f"شناسه{NUL} نادرست"}, headers=reviewer), "reason")
    rejected = await client.post(
        url, json={"reason": f"{RLO}شناسه ملی نادرست است{PDF}\nدوباره بفرستید"}, headers=reviewer
    )
    assert rejected.status_code == 200, rejected.text
    detail = (await client.get(f"/api/v1/admin/customers/{customer_id}")).json()
    assert detail["customer"]["rejection_reason"] == "شناسه ملی نادرست است\nدوباره بفرستید"


async def test_a_deposit_tracking_number_and_its_rejection_reason(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    slip = {"slip": ("s.png", png(), "image/png")}
    bad = await client.post(
        "/api/v1/wallet/deposits", data=deposit_form(tracking_number=f"5550{NUL}1234"), files=slip, headers=headers
    )
    refused(bad, "tracking_number")
    ok = await client.post(
        "/api/v1/wallet/deposits", data=deposit_form(tracking_number=f"{LRM}۵۵۵۰۱۲۳۴{LRM}"), files=slip, headers=headers
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["tracking_number"] == "55501234"

    finance = use(client, await staff_session(client, settings, "finance", "09350000002"))
    url = f"/api/v1/admin/deposits/{ok.json()['id']}/reject"
    refused(await client.post(url, json={"reason": f"مبلغ{NUL} نمی‌خواند"}, headers=finance), "reason")
    rejected = await client.post(url, json={"reason": f"{RLO}مبلغ نمی‌خواند{PDF}"}, headers=finance)
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["reject_reason"] == "مبلغ نمی‌خواند"


async def test_a_package_title_and_a_prefix_note(client: Client, app: Litestar) -> None:
    headers = {"x-csrftoken": await log_in_staff(client, app)}
    bad = await client.post(
        "/api/v1/admin/catalog/packages", json={**NEW_PACKAGE, "title": f"بسته{NUL}"}, headers=headers
    )
    refused(bad, "title")
    made = await client.post(
        "/api/v1/admin/catalog/packages", json={**NEW_PACKAGE, "title": f"{RLO}بسته هفتگی{PDF}"}, headers=headers
    )
    assert made.status_code == 201, made.text
    assert made.json()["title"] == "بسته هفتگی"
    note = await client.post(
        "/api/v1/admin/prefixes", json={"prefix": "0934", "operator": 1, "note": f"تلکیش{NUL}"}, headers=headers
    )
    refused(note, "note")
