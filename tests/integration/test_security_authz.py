"""Issue 16 (authorisation matrix): every route with an id, read from the app's route table, called by every kind
of caller — its owner, another customer, anonymous, a dead session (after logout, after a password change, idle
past its limit), a customer on staff routes and each staff role that is not the route's. A route it does not know
how to call fails the test (add its path parameter to ``IDS`` below or to test_http_hardening's, its staff area
to ``STAFF_ROLES``).

Figures (printed): routes × callers tried, and leaks (an answer that is not the refusal it must be) — zero.
"""

from __future__ import annotations

import secrets as secrets_module
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Litestar
from litestar.routes import HTTPRoute

from kook.application.identity.ports import PrincipalKind, SessionStore, WebSession
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import Settings
from tests.integration.helpers import Client, sign_up
from tests.integration.test_customers_api import staff_session, submitted_customer, use
from tests.integration.test_http_hardening import IDS, fill
from tests.integration.test_requests_api import new_request, sheet, upload
from tests.integration.test_wallet_api import demo_customer, deposit_form, png

Jar = dict[str, str]
# Not the portal's own authority: the simulated operator, the sandbox bank, the static files, the OpenAPI files,
# the sample sheets (public), a bank's return (verified server to server) and the private calendar feed (its
# secret name is the credential).
OUTSIDE = ("/sim/", "/sandbox/", "/static/", "/schema/", "/templates/", "/calendar/feed/")
CALLBACK = "/wallet/payments/{payment_id:str}/callback"
# Public: the service's terms are shown before anyone activates it.
PUBLIC = ("/services/{code:str}/terms", "/api/v1/services/{code:str}/terms")
# Which staff role a staff area belongs to (an admin may do everything).
STAFF_ROLES = {
    "deposits": "finance",
    "lines": "finance",
    "reports": "finance",
    "customers": "reviewer",
    "catalog": "admin",
    "prefixes": "admin",
    "audit": "admin",
    "announcements": "admin",
    # every staff member's own API keys: no role is wrong, but nobody reaches a key that is not theirs
    "api-keys": "own",
}
ROLES = ("reviewer", "finance", "admin")


def id_routes(app: Litestar) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or "{" not in route.path or route.path.startswith(OUTSIDE):
            continue
        if route.path == CALLBACK or route.path in PUBLIC:
            continue
        for handler in route.route_handlers:
            found += [(m, route.path) for m in sorted(handler.http_methods - {"HEAD", "OPTIONS"})]
    return sorted(found)


# Path parameters that name no object: the caller's own month of the wallet statement.
OWN_PARAMS = frozenset({"year", "month_file"})


def _own_only(path: str) -> bool:
    names = {part[1:].split(":")[0] for part in path.split("/") if part.startswith("{")}
    return names <= OWN_PARAMS


def is_staff(path: str) -> bool:
    return path.startswith(("/admin", "/api/v1/admin"))


def staff_role(path: str) -> str:
    area = path.removeprefix("/api/v1").removeprefix("/admin/").split("/")[0]
    assert area in STAFF_ROLES, f"{path}: which staff role is it for? add {area!r} to STAFF_ROLES"
    return STAFF_ROLES[area]


async def _request(client: Client, jar: Jar, method: str, url: str, *, htmx: bool = False) -> Any:
    headers = use(client, jar) | ({"hx-request": "true"} if htmx else {})
    if method == "GET":
        return await client.get(url, headers=headers, follow_redirects=False)
    body = {"csrf_token": jar.get("csrftoken", "")} if not url.startswith("/api/") else None
    if body is not None:
        return await client.request(method, url, data=body, headers=headers, follow_redirects=False)
    return await client.request(method, url, json={}, headers=headers, follow_redirects=False)


async def _expired_session(settings: Settings, user_id: str) -> Jar:
    """A session of ``user_id`` last seen past the idle limit (as one left open in a browser overnight)."""
    container = make_http_container(settings)
    try:
        async with container() as scope:
            store = await scope.get(SessionStore)
            long_ago = datetime.now(UTC) - timedelta(minutes=settings.session.idle_minutes + 1)
            session = WebSession(
                id=secrets_module.token_urlsafe(32),
                principal_kind=PrincipalKind.USER,
                principal_id=user_id,
                csrf_token=secrets_module.token_urlsafe(32),
                created_at=long_ago,
                last_seen_at=long_ago,
            )
            await store.create(session)
    finally:
        await container.close()
    return {"kook_session": session.id, "csrftoken": session.csrf_token}


async def _approved_customer(client: Client, reviewer: Jar, mobile: str) -> Jar:
    """Another company: approved by a reviewer, the service active, a wallet — it may do everything the owner
    may, only not with the owner's objects."""
    jar = await submitted_customer(client, mobile)
    queue = (await client.get("/api/v1/admin/customers", headers=use(client, reviewer))).json()["items"]
    [customer_id] = [item["id"] for item in queue if item["owner_mobile"] == mobile]
    approved = await client.post(f"/api/v1/admin/customers/{customer_id}/approve", headers=use(client, reviewer))
    assert approved.status_code == 200, approved.text
    headers = use(client, jar)
    terms = (await client.get("/api/v1/services")).json()["items"][0]["terms_version"]
    activated = await client.post(
        "/api/v1/services/enterprise_topup/activate",
        json={"accept_terms": True, "terms_version": terms},
        headers=headers,
    )
    assert activated.status_code in (200, 201), activated.text
    assert (await client.get("/api/v1/wallet")).status_code == 200
    return jar


async def _owned(client: Client, settings: Settings) -> tuple[Jar, dict[str, str], list[str]]:
    """The demo customer with a request (and a line), a slip, a payment, an API key; its ids; text only it sees."""
    owner = await demo_customer(client, settings)
    headers = use(client, owner)
    request_id = await new_request(client, headers)
    line = await client.post(
        f"/api/v1/requests/{request_id}/lines", json={"mobile": "09127770001", "amount": 500_000}, headers=headers
    )
    deposit = await client.post(
        "/api/v1/wallet/deposits",
        data=deposit_form(tracking_number="77712345"),
        files={"slip": ("s.png", png(), "image/png")},
        headers=headers,
    )
    payment = await client.post("/api/v1/wallet/payments", json={"amount": 70_000}, headers=headers)
    key = await client.post("/api/v1/api-keys", json={"name": "owner-key"}, headers=headers)
    event = await client.post(
        "/api/v1/events", json={"title": "owner-event", "date": "1405/02/20", "time": "10:00"}, headers=headers
    )
    sheet_upload = await upload(client, headers, request_id, sheet([["09127770002", 500_000]], ["mobile", "amount"]))
    answers = (line, deposit, payment, key, event, sheet_upload)
    assert {r.status_code for r in answers} == {201}, [r.text for r in answers]
    ids = dict(IDS) | {
        "request_id": request_id,
        "line_id": str(line.json()["id"]),
        "deposit_id": deposit.json()["id"],
        "payment_id": payment.json()["payment_id"],
        "key_id": key.json()["id"],
        "event_id": event.json()["id"],
        "upload_id": sheet_upload.json()["upload_id"],
        "year": "1405",
        "month_file": "1.pdf",
        "name": "x",
    }
    secrets = ["09127770001", "09127770002", "77712345", "owner-key", "owner-event"]
    return owner, ids, secrets


async def test_every_route_with_an_id_refuses_everyone_but_its_owner(
    client: Client, app: Litestar, settings: Settings
) -> None:
    routes = id_routes(app)
    assert len(routes) > 60  # the route table was read
    owner, ids, secrets = await _owned(client, settings)

    staff = {role: await staff_session(client, settings, role, f"0935000000{i}") for i, role in enumerate(ROLES, 1)}
    other = await _approved_customer(client, staff["reviewer"], "09129990001")

    # dead sessions: one logged out, one ended by a password change made elsewhere
    client.cookies.clear()
    await sign_up(client, "09129990002", "a-good-password")
    logged_out = dict(client.cookies)
    assert (await client.post("/api/v1/auth/logout", headers=use(client, logged_out))).status_code == 204
    client.cookies.clear()
    await sign_up(client, "09129990003", "a-good-password")
    stale = dict(client.cookies)
    client.cookies.clear()
    login = await client.post("/api/v1/auth/login", json={"mobile": "09129990003", "password": "a-good-password"})
    fresh = dict(login.cookies)
    changed = await client.post(
        "/api/v1/me/password",
        json={"current_password": "a-good-password", "new_password": "another-good-one"},
        headers=use(client, fresh),
    )
    assert changed.status_code == 204

    client.cookies.clear()
    me = await sign_up(client, "09129990004")
    expired = await _expired_session(settings, me["id"])
    assert (await client.get("/api/v1/me", headers=use(client, expired))).status_code == 401

    tried = 0
    leaks: list[str] = []

    def leak(who: str, method: str, path: str, answer: Any, why: str) -> None:
        leaks.append(f"{method} {path} as {who}: {answer.status_code} {why} {answer.text[:120]!r}")

    for method, path in routes:
        url = fill(path, ids)
        is_api = path.startswith("/api/")
        staff_route = is_staff(path)

        # anonymous, and the dead sessions: unauthenticated (API 401; a page sends to its login)
        dead: tuple[tuple[str, Jar], ...] = (
            ("anonymous", {}),
            ("logged-out session", logged_out),
            ("session after password change", stale),
            ("expired session", expired),
        )
        for who, jar in dead:
            tried += 1
            answer = await _request(client, jar, method, url)
            if is_api:
                # a write with a dead cookie is refused by its CSRF check first (403 csrf_failed); a body that
                # does not parse is refused before anything is looked up (422)
                allowed = (401,) if method == "GET" else (401, 403, 422)
                if answer.status_code not in allowed:
                    leak(who, method, path, answer, f"expected {allowed}")
            elif method == "GET":
                login_page = "/admin/login" if staff_route else "/login"
                if answer.status_code != 303 or answer.headers.get("location") != login_page:
                    leak(who, method, path, answer, f"expected a redirect to {login_page}")
            elif answer.status_code not in (303, 401, 403):  # a form: its CSRF token is refused, or to the login
                leak(who, method, path, answer, "expected a refusal")

        if staff_route and staff_role(path) == "own":
            # the ids are the customer owner's objects: no staff member, of any role, reaches them
            for who, jar in [("the owner customer", owner), ("another customer", other)]:
                tried += 1
                answer = await _request(client, jar, method, url)
                if answer.status_code != 403:
                    leak(who, method, path, answer, "expected 403 on a staff route")
            for role_name in ROLES:
                tried += 1
                answer = await _request(client, staff[role_name], method, url)
                if answer.status_code != 404 or any(s in answer.text for s in secrets):
                    leak(f"staff {role_name}", method, path, answer, "expected 404 (not their own)")
            continue
        if staff_route:
            role = staff_role(path)
            tried += 2
            for who, jar in (("the owner customer", owner), ("another customer", other)):
                answer = await _request(client, jar, method, url)
                if answer.status_code != 403:
                    leak(who, method, path, answer, "expected 403 on a staff route")
            for wrong in [r for r in ROLES if r not in (role, "admin")]:
                tried += 1
                answer = await _request(client, staff[wrong], method, url)
                if answer.status_code not in (403, 422) or any(s in answer.text for s in secrets):
                    leak(f"staff {wrong}", method, path, answer, f"expected 403 (the route is {role}'s)")
            for right in {role, "admin"}:  # the right role is let through (or told what is wrong with the call)
                tried += 1
                answer = await _request(client, staff[right], method, url)
                if answer.status_code in (401, 403) or answer.status_code >= 500:
                    leak(f"staff {right}", method, path, answer, "the route's own role was refused")
            continue

        # a customer route: another customer never reaches the owner's object (a page is also asked for as
        # htmx asks for its fragments; a redirect is followed once, to where it leads)
        if _own_only(path):
            continue  # no object id: the caller's own (their statement of a month), nothing of the owner's
        for htmx in (False, True) if not is_api and method == "GET" else (False,):
            tried += 1
            answer = await _request(client, other, method, url, htmx=htmx)
            if answer.status_code == 303 and answer.headers.get("location", "").startswith("/"):
                answer = await _request(client, other, "GET", answer.headers["location"])
            shown = [s for s in secrets if s in answer.text]
            why = "reached the owner's object" if shown or answer.status_code < 400 else "expected 404"
            if shown or answer.status_code not in (404, 422):  # 422: a body refused before any look-up
                leak("another customer" + (" (htmx)" if htmx else ""), method, path, answer, f"{why} {shown}")
        # staff are not customers: the customer's routes do not serve them
        tried += 1
        answer = await _request(client, staff["admin"], method, url)
        if (200 <= answer.status_code < 300) or answer.status_code >= 500 or any(s in answer.text for s in secrets):
            leak("staff admin on a customer route", method, path, answer, "reached the customer's object")
        # the owner is not refused (reads answer; writes may say why they cannot be done)
        tried += 1
        answer = await _request(client, owner, method, url)
        if answer.status_code in (401, 403) or answer.status_code >= 500:
            leak("the owner", method, path, answer, "the owner was refused")

    print(f"\nauthorisation matrix: {len(routes)} routes with an id, {tried} calls, {len(leaks)} leaks")
    assert not leaks, "\n".join(leaks)
