"""API keys as principals with scopes, through the real app.

The route table (entrypoints/http/api_scopes.py) is checked against the app's own routes: every JSON route is
listed (a new route fails here until it is), and every customer route is called with keys of every scope — the
answer is 403 with the key's code exactly when the table says the key may not, and never otherwise. Staff keys
reach the back office with their role; revoked keys, other people's keys and keys over their rate limit are refused.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Litestar

from kook.domain.identity.api_key import SCOPES
from kook.entrypoints.http.api_scopes import (
    ANY_KEY,
    REFUSED,
    ROUTE_SCOPES,
    STAFF_KEY,
    STAFF_PREFIX,
    needed,
    template_of,
)
from kook.entrypoints.settings import Settings
from tests.integration.helpers import Client
from tests.integration.test_customers_api import staff_session, use
from tests.integration.test_wallet_api import demo_customer

pytestmark = [pytest.mark.anyio, pytest.mark.parametrize("backend", ["sqlite"])]
SKIP_METHODS = {"HEAD", "OPTIONS"}
IDS = {
    "request_id": "0" * 32,
    "line_id": "1",
    "upload_id": "0" * 32,
    "key_id": "0" * 32,
    "code": "enterprise_topup",
    "export_id": "0" * 32,
    "deposit_id": "0" * 32,
    "year": "1405",
    "month_file": "3.pdf",
    "message_id": "0" * 32,
    "event_id": "0" * 32,
    "endpoint_id": "0" * 32,
    "user_id": "0" * 32,
    "invitation_id": "0" * 32,
    "delivery_id": "0" * 32,
    "customer_id": "0" * 32,
    "package_id": "0" * 32,
    "prefix_id": "0" * 32,
}


def api_routes(app: Litestar) -> list[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in handler.http_methods or []:
                if method not in SKIP_METHODS and route.path.startswith("/api/"):
                    found.add((method, template_of(route.path)))
    return sorted(found)


def concrete(template: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: IDS[m.group(1)], template)


async def make_key(client: Client, headers: dict[str, str], scopes: list[str], per_minute: int = 6000) -> str:
    made = await client.post(
        "/api/v1/api-keys", json={"name": "k", "scopes": scopes, "per_minute": per_minute}, headers=headers
    )
    assert made.status_code == 201, made.text
    assert made.json()["scopes"] == sorted(scopes)
    return str(made.json()["key"])


def test_every_json_route_is_in_the_table(app: Litestar) -> None:
    routes = api_routes(app)
    customer = [(m, p) for m, p in routes if not p.startswith(STAFF_PREFIX) and not p.startswith("/api/v1/dev/")]
    missing = [r for r in customer if r not in ROUTE_SCOPES]
    assert missing == [], f"add these routes to ROUTE_SCOPES in api_scopes.py: {missing}"
    stale = [r for r in ROUTE_SCOPES if r not in routes and not r[1].startswith("/api/v1/dev/")]
    assert stale == [], f"the table names routes the app does not have: {stale}"
    assert all(needed(m, p) == STAFF_KEY for m, p in routes if p.startswith(STAFF_PREFIX))
    # an unknown route is refused to keys
    assert needed("GET", "/api/v1/something-new") is REFUSED
    assert needed("POST", "/api/v1/requests/{request_id}/teleport") is REFUSED


async def test_every_customer_route_against_keys_of_every_scope(
    client: Client, settings: Settings, app: Litestar
) -> None:
    headers = use(client, await demo_customer(client, settings))
    keys = {scope: await make_key(client, headers, [scope]) for scope in SCOPES}
    client.cookies.clear()
    checked = 0
    for method, template in api_routes(app):
        if template.startswith(STAFF_PREFIX):
            continue
        need = needed(method, template)
        for scope, key in keys.items():
            response = await client.request(
                method, concrete(template), headers={"authorization": f"Bearer {key}"}, json=None
            )
            code = response.json().get("code") if "json" in response.headers.get("content-type", "") else None
            allowed = need is not REFUSED and need in (ANY_KEY, scope)
            if allowed:
                assert code not in ("api_key_route_refused", "api_key_scope_missing", "unauthenticated"), (
                    method,
                    template,
                    scope,
                    response.status_code,
                    code,
                )
            else:
                assert response.status_code == 403, (method, template, scope, response.status_code)
                expected = "api_key_route_refused" if need is REFUSED else "api_key_scope_missing"
                assert code == expected, (method, template, scope, code)
                assert response.json()["message"]  # Persian, for people
            checked += 1
    assert checked == 4 * len([r for r in api_routes(app) if not r[1].startswith(STAFF_PREFIX)]) >= 4 * 70


async def test_web_pages_refuse_a_key_and_the_key_needs_no_csrf(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    key = await make_key(client, headers, ["requests:write", "requests:read"])
    client.cookies.clear()
    bearer = {"authorization": f"Bearer {key}"}
    for path in ("/", "/profile", "/requests", "/webhooks"):
        page = await client.get(path, headers=bearer)
        assert page.status_code == 403, path
        assert "کلید API" in page.text, path  # the page says why, in Persian
    made = await client.post("/api/v1/requests", json={"name": "با کلید", "kind": "topup"}, headers=bearer)
    assert made.status_code == 201  # no cookie, no CSRF token: a bearer write needs none
    sample = await client.get("/templates/topup.xlsx", headers=bearer)
    assert sample.status_code == 200


async def test_revoked_wrong_and_other_peoples_keys(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    owner = dict(client.cookies)
    key = await make_key(client, headers, ["requests:read"])
    key_id = key.split("_")[1]
    bearer = {"authorization": f"Bearer {key}"}
    client.cookies.clear()
    assert (await client.get("/api/v1/requests", headers=bearer)).status_code == 200
    listed = (await client.get("/api/v1/api-keys", headers=use(client, owner))).json()["items"]
    assert listed[0]["last_used_at"] is not None and listed[0]["scopes"] == ["requests:read"]
    assert key not in str(listed)
    assert (await client.delete(f"/api/v1/api-keys/{key_id}", headers=use(client, owner))).status_code == 204
    client.cookies.clear()
    revoked = await client.get("/api/v1/requests", headers=bearer)
    assert revoked.status_code == 401 and revoked.json()["code"] == "unauthenticated"
    tampered = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert (await client.get("/api/v1/requests", headers={"authorization": f"Bearer {tampered}"})).status_code == 401


async def test_a_key_over_its_rate_limit_is_told_when_to_come_back(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    key = await make_key(client, headers, ["wallet:read"], per_minute=3)
    client.cookies.clear()
    bearer = {"authorization": f"Bearer {key}"}
    statuses = [(await client.get("/api/v1/wallet", headers=bearer)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    last = await client.get("/api/v1/wallet", headers=bearer)
    assert last.json()["code"] == "rate_limited" and int(last.headers["retry-after"]) >= 1


async def test_bad_scopes_and_limits_are_refused_naming_the_field(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    for body, field in (
        ({"name": "x", "scopes": ["requests:delete"]}, "scopes"),
        ({"name": "x", "scopes": []}, "scopes"),
        ({"name": "x", "per_minute": 0}, "per_minute"),
        ({"name": "x", "per_minute": 100_000}, "per_minute"),
    ):
        response = await client.post("/api/v1/api-keys", json=body, headers=headers)
        assert response.status_code == 422, body
        assert field in str(response.json()["details"]), body
    assert (await client.get("/api/v1/api-keys")).json()["items"] == []


async def test_staff_keys_reach_the_back_office_with_the_staff_role_only(
    client: Client, settings: Settings, app: Litestar
) -> None:
    keys: dict[str, str] = {}
    for mobile, role in (("09120000001", "reviewer"), ("09120000002", "finance")):
        staff_headers = use(client, await staff_session(client, settings, role, mobile))
        made = await client.post("/api/v1/api-keys", json={"name": role}, headers=staff_headers)
        assert made.status_code == 201, made.text
        assert made.json()["scopes"] == []
        keys[role] = made.json()["key"]
    # the staff page lists the member's own keys (never the key itself again) and makes one more
    page = await client.get("/admin/api-keys")
    assert page.status_code == 200 and "finance" in page.text and keys["finance"] not in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    made_on_page = await client.post("/admin/api-keys", data={"name": "اسکریپت", "csrf_token": token.group(1)})
    assert made_on_page.status_code == 200 and 'data-testid="new-api-key"' in made_on_page.text
    client.cookies.clear()
    reviewer = {"authorization": f"Bearer {keys['reviewer']}"}
    finance = {"authorization": f"Bearer {keys['finance']}"}
    assert (await client.get("/api/v1/admin/customers", headers=reviewer)).status_code == 200
    assert (await client.get("/api/v1/admin/deposits", headers=finance)).status_code == 200
    # the role still decides: a reviewer is not finance
    denied = await client.get("/api/v1/admin/deposits", headers=reviewer)
    assert denied.status_code == 403 and denied.json()["code"] == "forbidden"
    # a staff key is for the back office only; a customer's key never reaches it
    refused = await client.get("/api/v1/requests", headers=finance)
    assert refused.status_code == 403 and refused.json()["code"] == "api_key_route_refused"
    headers = use(client, await demo_customer(client, settings))
    customer_key = await make_key(client, headers, list(SCOPES))
    client.cookies.clear()
    customer = await client.get("/api/v1/admin/customers", headers={"authorization": f"Bearer {customer_key}"})
    assert customer.status_code == 403 and customer.json()["code"] == "forbidden"


def _unused(_: Any) -> None:  # keep the table's markers imported for readers
    assert ANY_KEY and STAFF_KEY


async def test_the_profile_page_makes_a_key_with_the_ticked_scopes_and_shows_it_once(
    client: Client, settings: Settings
) -> None:
    use(client, await demo_customer(client, settings))
    page = await client.get("/profile")
    assert page.status_code == 200
    for scope in SCOPES:
        assert f'value="{scope}"' in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    made = await client.post(
        "/profile/api-keys",
        data={
            "name": "حسابداری",
            "scopes": ["reports:read", "wallet:read"],
            "per_minute": "۶۰",
            "csrf_token": token.group(1),
        },
    )
    assert made.status_code == 200 and 'data-testid="new-api-key"' in made.text
    key = re.search(r"kook_[0-9a-f]{32}_[A-Za-z0-9_-]+", made.text)
    assert key is not None
    [listed] = (await client.get("/api/v1/api-keys")).json()["items"]
    assert (listed["scopes"], listed["per_minute"]) == (["reports:read", "wallet:read"], 60)
    assert key.group(0) not in (await client.get("/profile")).text  # shown once
    bad = await client.post(
        "/profile/api-keys", data={"name": "x", "scopes": ["admin:all"], "csrf_token": token.group(1)}
    )
    assert bad.status_code == 422
    client.cookies.clear()
    bearer = {"authorization": f"Bearer {key.group(0)}"}
    assert (await client.get("/api/v1/wallet", headers=bearer)).status_code == 200
    assert (await client.get("/api/v1/requests", headers=bearer)).json()["code"] == "api_key_scope_missing"
