"""What an outside attacker found (issue 20), pinned against the real app on SQLite and on PostgreSQL + Redis.

Every JSON route is posted hostile bodies by an anonymous caller, a logged-in customer and a staff member: no
answer is ever a server error, every refusal is the API's error shape. The routes come from the app's own route
table, so a new route is covered the day it appears (or the test says which path parameter it cannot fill).
"""

from __future__ import annotations

import base64
import re
import types
import typing
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from kook.entrypoints.http.messages import error_text
from kook.entrypoints.settings import Settings
from tests.integration.helpers import Client, sign_up
from tests.integration.test_catalog_api import log_in_staff
from tests.integration.test_customers_api import use
from tests.integration.test_requests_api import new_request
from tests.integration.test_wallet_api import demo_customer

Jar = dict[str, str]
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
HUGE = 9223372036854775808  # 2**63: one past the largest 64-bit integer a database column holds


# --------------------------------------------------------------------------- the route table


def body_routes(app: Litestar, prefix: str = "/api/v1/") -> list[tuple[str, str, HTTPRouteHandler]]:
    """Every (method, path template, handler) under ``prefix`` that takes a body."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith(prefix):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods & BODY_METHODS):
                found.append((method, route.path, handler))
    # Logging out ends the session the rest of the calls need: last.
    return sorted(found, key=lambda item: ("logout" in item[1], item[1], item[0]))


def body_fields(handler: HTTPRouteHandler) -> list[str]:
    """The field names of the handler's JSON body (a msgspec Struct, maybe optional); [] when it is not one."""
    hints = typing.get_type_hints(handler.fn, include_extras=True)
    pending = [hints.get("data")]
    names: list[str] = []
    while pending:
        hint = pending.pop()
        if hint is None:
            continue
        origin = typing.get_origin(hint)
        if origin is typing.Annotated:
            pending.append(typing.get_args(hint)[0])
        elif origin in (typing.Union, types.UnionType):
            pending.extend(typing.get_args(hint))
        elif isinstance(hint, type) and issubclass(hint, msgspec.Struct):
            names += [field.encode_name for field in msgspec.structs.fields(hint)]
    return names


def fill(path: str, ids: dict[str, str]) -> str:
    """The path with every ``{name:type}`` replaced by a plausible id; fails naming a parameter it cannot fill."""
    out = path
    while "{" in out:
        start, end = out.index("{"), out.index("}")
        name = out[start + 1 : end].split(":")[0]
        if name == "code":
            value = "enterprise_topup" if "/services/" in out else "1"
        else:
            assert name in ids, f"{path}: no plausible value for {{{name}}}; add one to the test's ids"
            value = ids[name]
        out = out[:start] + value + out[end + 1 :]
    return out


def hostile_bodies(fields: list[str]) -> list[tuple[str, bytes, str]]:
    """(what, raw body, content type) an attacker sends."""
    names = fields or ["mobile", "amount", "name", "code", "password"]

    def every(value: Any) -> bytes:
        return msgspec.json.encode({name: value for name in names})

    json = "application/json"
    return [
        ("1000 nested [", b"[" * 1000, json),
        ("1000 nested objects", b'{"a":' * 1000 + b"1" + b"}" * 1000, json),
        ("invalid UTF-8", b'{"mobile":"\xe9"}', json),
        ("invalid UTF-8 in every field", b"{" + b",".join(b'"%s":"\xff\xfe"' % n.encode() for n in names) + b"}", json),
        ("2**63 in every field", every(HUGE), json),
        (
            "2**63 in every field but a good mobile",
            every(HUGE).replace(b'"mobile":%d' % HUGE, b'"mobile":"09121234567"'),
            json,
        ),
        ("-2**63-1 in every field", every(-HUGE - 1), json),
        ("2**63 as text in every field", every(str(HUGE)), json),
        ("1e400 in every field", b"{" + b",".join(b'"%s":1e400' % n.encode() for n in names) + b"}", json),
        ("a list in every field", every([1, 2]), json),
        ("an object in every field", every({"a": 1}), json),
        ("true in every field", every(True), json),
        ("a NUL in every field", every("09121234567\x00x"), json),
        ("a long text in every field", every("۹" * 5000), json),
        ("a list", b"[1, 2, 3]", json),
        ("a string", b'"text"', json),
        ("null", b"null", json),
        ("an empty body", b"", json),
        ("broken JSON", b'{"mobile": ', json),
        ("JSON as text/plain", every("x"), "text/plain"),
        ("a form", b"mobile=09121234567&amount=%s" % str(HUGE).encode(), "application/x-www-form-urlencoded"),
        ("a form in invalid UTF-8 with a NUL", b"mobile=%ff%fe&name=a%00b", "application/x-www-form-urlencoded"),
        ("multipart without a boundary", b"--x\r\n\r\n", "multipart/form-data"),
    ]


# --------------------------------------------------------------------------- every JSON route, every hostile body


async def test_no_hostile_body_on_any_json_route_is_a_server_error(app: Litestar, settings: Settings) -> None:
    # Server errors are answered (500), not raised into the test, so one run lists them all.
    async with AsyncTestClient(app=app, raise_server_exceptions=False) as client:
        await _post_hostile_bodies_everywhere(client, app, settings)


async def _post_hostile_bodies_everywhere(client: Client, app: Litestar, settings: Settings) -> None:
    staff_token = await log_in_staff(client, app)
    staff: Jar = dict(client.cookies)
    customer = await demo_customer(client, settings)
    headers = use(client, customer)
    request_id = await new_request(client, headers)
    line = await client.post(
        f"/api/v1/requests/{request_id}/lines", json={"mobile": "09121234567", "amount": 500_000}, headers=headers
    )
    assert line.status_code == 201, line.text
    ids = {
        "request_id": request_id,
        "line_id": line.json()["id"],
        "upload_id": "0" * 32,
        "package_id": "0" * 32,
        "customer_id": "0" * 32,
        "deposit_id": "0" * 32,
        "prefix_id": "1",
        "key_id": "0" * 32,
        "message_id": "0" * 32,
        "payment_id": "0" * 32,
        "event_id": "0" * 32,
        "export_id": "0" * 32,
        "endpoint_id": "0" * 32,
        "delivery_id": "0" * 32,
        "user_id": "0" * 32,
        "invitation_id": "0" * 32,
    }
    routes = body_routes(app)
    assert len(routes) > 20  # the route table was read
    callers: list[tuple[str, Jar, dict[str, str]]] = [
        ("anonymous", {}, {}),
        ("customer", customer, {"x-csrftoken": customer.get("csrftoken", "")}),
        ("staff", staff, {"x-csrftoken": staff_token}),
    ]
    failures: list[str] = []
    for method, template, handler in routes:
        url = fill(template, ids)
        for who, jar, extra in callers:
            if who == "staff" and "/admin/" not in template:
                continue
            for what, content, content_type in hostile_bodies(body_fields(handler)):
                client.cookies.clear()
                client.cookies.update(jar)
                response = await client.request(
                    method, url, content=content, headers={"content-type": content_type, **extra}
                )
                problem = _problem(response)
                if problem:
                    failures.append(f"{method} {template} as {who}, {what}: {problem}")
    assert not failures, "\n".join(failures)


def _problem(response: Any) -> str | None:
    if response.status_code >= 500:
        return f"{response.status_code} {response.text[:200]}"
    if response.status_code >= 400:
        try:
            body = response.json()
        except ValueError:
            return f"{response.status_code} not JSON: {response.text[:200]}"
        if not isinstance(body, dict) or set(body) != {"code", "message", "details"} or not body["code"]:
            return f"{response.status_code} not the error shape: {response.text[:200]}"
    return None


# --------------------------------------------------------------------------- the ones the attacker named


async def test_bodies_the_parser_chokes_on_are_a_validation_error_without_a_login(client: Client) -> None:
    for content in (b"[" * 1000, b'{"mobile":"\xe9"}'):
        response = await client.post(
            "/api/v1/auth/login", content=content, headers={"content-type": "application/json"}
        )
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "validation_error"
        assert response.json()["message"]


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "path", ["/api/v1/requests", "/api/v1/wallet/entries", "/api/v1/wallet/payments", "/api/v1/wallet/deposits"]
)
async def test_a_cursor_without_a_time_zone_is_refused(client: Client, settings: Settings, path: str) -> None:
    use(client, await demo_customer(client, settings))
    for cursor in (_cursor("2024-01-01T00:00:00|abc"), _cursor("2024-01-01T00:00:00+00:00|"), "%%%", "eA"):
        response = await client.get(path, params={"cursor": cursor})
        assert response.status_code == 422, (cursor, response.text)
        assert response.json()["code"] == "validation_error"
        assert response.json()["details"]["fields"]["cursor"]["code"] == "invalid"
    first = await client.get(path, params={"cursor": _cursor("2024-01-01T00:00:00+00:00|abc")})
    assert first.status_code == 200, first.text


async def test_an_amount_past_64_bits_on_a_line_is_refused(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    request_id = await new_request(client, headers)
    base = f"/api/v1/requests/{request_id}/lines"
    line = await client.post(base, json={"mobile": "09121234567", "amount": 500_000}, headers=headers)
    assert line.status_code == 201, line.text
    for amount in (HUGE, 10**30):
        for method, url in (("POST", base), ("PATCH", f"{base}/{line.json()['id']}")):
            body = {"mobile": "09121234567", "amount": amount}
            response = await client.request(method, url, json=body, headers=headers)
            assert response.status_code == 422, (method, amount, response.text)
            assert response.json()["code"] == "validation_error"
            assert response.json()["details"]["fields"]["amount"]["code"] == "amount_out_of_range"
    lines = (await client.get(base)).json()["items"]
    assert [item["amount"] for item in lines] == [500_000]  # nothing half-written


# --------------------------------------------------------------------------- headers


SECURITY_HEADERS = ("x-content-type-options", "referrer-policy", "x-frame-options", "x-request-id")


async def test_every_answer_carries_the_security_headers_even_the_routers_own_404_and_405(client: Client) -> None:
    answers = [
        await client.get("/no/such/page"),
        await client.get("/api/v1/no/such/thing"),
        await client.delete("/api/v1/auth/login"),
        await client.put("/login"),
        await client.get("/login"),
        await client.get("/health"),
    ]
    assert [a.status_code for a in answers] == [404, 404, 405, 405, 200, 200]
    for answer in answers:
        for name in SECURITY_HEADERS:
            assert answer.headers.get(name), (answer.request.url, name, dict(answer.headers))
        assert answer.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
        if answer.headers["content-type"].startswith("text/html"):
            policy = answer.headers["content-security-policy"]
            assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
            assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        elif answer.status_code >= 400:
            assert answer.json()["code"] in ("not_found", "method_not_allowed")


async def test_no_strict_transport_security_in_dev(settings_factory: Any) -> None:
    from kook.entrypoints.http.app import create_app

    async with AsyncTestClient(app=create_app(settings_factory(KOOK_ENV="dev"))) as dev:
        answer = await dev.get("/login")
        assert answer.status_code == 200
        assert "strict-transport-security" not in answer.headers
        assert answer.headers["content-security-policy"]


async def test_logged_in_answers_are_not_stored_by_any_cache(client: Client, settings: Settings) -> None:
    anonymous = await client.get("/api/v1/catalog/operators")
    assert "no-store" not in anonymous.headers.get("cache-control", "")
    login = await client.post("/api/v1/auth/login", json={"mobile": "09121110000", "password": "x" * 10})
    assert login.status_code in (401, 404, 422)
    use(client, await demo_customer(client, settings))
    for path in ("/", "/wallet", "/requests", "/api/v1/me", "/api/v1/wallet", "/api/v1/catalog/operators", "/nope"):
        answer = await client.get(path)
        assert "no-store" in answer.headers.get("cache-control", ""), (path, dict(answer.headers))
    static = await client.get("/static/kook.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")


async def test_the_openapi_ui_loads_nothing_from_elsewhere(client: Client) -> None:
    for path in ("/schema", "/schema/swagger"):
        page = await client.get(path)
        assert page.status_code == 200
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sources and all(s.startswith("/static/") for s in sources), sources
        assert "<script>" not in page.text and "<style" not in page.text and "style=" not in page.text
        for source in sources:
            assert (await client.get(source)).status_code == 200, source
    for path in ("/schema/redoc", "/schema/rapidoc", "/schema/elements"):
        assert (await client.get(path)).status_code == 404, path
    assert (await client.get("/schema/openapi.json")).json()["paths"]


# --------------------------------------------------------------------------- cross-origin writes

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Writes that take no cookie authority and so no CSRF check (csrf.py says why): the simulated operator, the sandbox
# bank's own page, and a bank's return to the portal (a POST from the bank's site, verified server to server).
NO_COOKIE_WRITES = ("/sim/", "/sandbox/gateway/", "/wallet/payments/{payment_id:str}/callback")


def cookie_writes(app: Litestar) -> list[tuple[str, str]]:
    """(method, path template) of every state-changing route a browser's cookies can reach."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith(NO_COOKIE_WRITES):
            continue
        for handler in route.route_handlers:
            found += [(method, route.path) for method in sorted(handler.http_methods & WRITE_METHODS)]
    return sorted(found)


IDS = {name: "0" * 32 for name in ("request_id", "upload_id", "package_id", "customer_id", "deposit_id", "key_id")}
IDS |= {"line_id": "1", "prefix_id": "1", "message_id": "0" * 32, "payment_id": "0" * 32}
IDS |= {"event_id": "0" * 32, "export_id": "0" * 32, "endpoint_id": "0" * 32, "delivery_id": "0" * 32}
IDS |= {"event_id": "0" * 32, "export_id": "0" * 32}
IDS |= {"user_id": "0" * 32, "invitation_id": "0" * 32}


async def test_a_write_from_another_site_is_refused_even_with_a_valid_token(
    client: Client, app: Litestar, settings: Settings
) -> None:
    staff_token = await log_in_staff(client, app)
    staff: Jar = dict(client.cookies)
    customer = await demo_customer(client, settings)
    writes = cookie_writes(app)
    assert len(writes) > 40  # the route table was read
    assert {path for _, path in writes} >= {"/api/v1/wallet/payments", "/wallet/payments", "/admin/logout"}
    hostile = [
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"origin": "https://evil.example", "sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "cross-site"},
    ]
    failures = []
    for method, template in writes:
        jar, token = (staff, staff_token) if template.startswith(("/admin", "/api/v1/admin")) else (customer, "")
        token = token or customer.get("csrftoken", "")
        for headers in hostile:
            client.cookies.clear()
            client.cookies.update(jar)
            response = await client.request(
                method, fill(template, IDS), json={}, headers={"x-csrftoken": token, **headers}
            )
            if response.status_code != 403 or not _is_csrf_refusal(response):
                failures.append(f"{method} {template} {headers}: {response.status_code} {response.text[:120]}")
    assert not failures, "\n".join(failures)
    # The same token from the portal's own pages is taken: the refusals above were for the origin alone.
    use(client, customer)
    for headers in (
        {"origin": "http://testserver.local", "sec-fetch-site": "same-origin"},
        {"origin": settings.public_url.rstrip("/"), "sec-fetch-site": "same-site"},
        {"sec-fetch-site": "none"},
        {},
    ):
        renamed = await client.post(
            "/api/v1/requests", json={"name": "خودی", "kind": "topup"}, headers={**use(client, customer), **headers}
        )
        assert renamed.status_code == 201, (headers, renamed.text)


def _is_csrf_refusal(response: Any) -> bool:
    if response.headers["content-type"].startswith("application/json"):
        return bool(response.json()["code"] == "csrf_failed")
    return error_text("csrf_failed") in response.text  # a page: the Persian error page says why


async def test_calls_without_cookies_are_not_asked_where_they_come_from(client: Client) -> None:
    response = await client.post(
        "/api/v1/auth/login",
        json={"mobile": "09121110000", "password": "not-the-password"},
        headers={"origin": "https://integrator.example", "sec-fetch-site": "cross-site"},
    )
    assert response.status_code == 401 and response.json()["code"] == "credentials_invalid"


# --------------------------------------------------------------------------- staff routes: one answer

# Open to anyone: the staff's own login and logout.
STAFF_DOORS = ("/admin/login", "/admin/logout")


def staff_routes(app: Litestar) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith(("/admin", "/api/v1/admin")):
            continue
        if route.path in STAFF_DOORS:
            continue
        for handler in route.route_handlers:
            found += [(m, route.path) for m in sorted(handler.http_methods - {"OPTIONS", "HEAD"})]
    return sorted(found)


async def test_a_customer_on_any_staff_route_is_forbidden_and_only_anonymous_is_unauthenticated(
    client: Client, settings: Settings, app: Litestar
) -> None:
    routes = staff_routes(app)
    assert len([r for r in routes if r[1].startswith("/api/v1/admin")]) > 15
    customer = await demo_customer(client, settings)
    failures = []
    for method, template in routes:
        url = fill(template, IDS)
        is_api = template.startswith("/api/")
        headers = use(client, customer)
        as_customer = await client.request(method, url, json={}, headers=headers)
        if as_customer.status_code != 403 or (is_api and as_customer.json()["code"] != "forbidden"):
            failures.append(f"{method} {template} as a customer: {as_customer.status_code} {as_customer.text[:100]}")
        if not is_api and method != "GET":
            continue  # an anonymous web form is refused by its missing CSRF token first
        client.cookies.clear()
        anonymous = await client.request(method, url, json={}, follow_redirects=False)
        if is_api:
            expected = anonymous.status_code == 401 and anonymous.json()["code"] == "unauthenticated"
        else:
            expected = anonymous.status_code == 303 and anonymous.headers["location"] == "/admin/login"
        if not expected:
            failures.append(f"{method} {template} anonymous: {anonymous.status_code} {anonymous.text[:100]}")
    assert not failures, "\n".join(failures)


# --------------------------------------------------------------------------- the OpenAPI document tells the truth


async def test_the_schema_describes_the_real_error_body_and_an_empty_204(client: Client) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "message", "details"}
    operations = [op for item in document["paths"].values() for op in item.values() if isinstance(op, dict)]
    assert len(operations) > 40
    for operation in operations:
        responses = operation["responses"]
        assert "400" not in responses or "Error" in str(responses["400"]), operation["operationId"]
        for status, response in responses.items():
            if status in ("204", "205", "304"):
                assert "content" not in response, (operation["operationId"], status)
            if status[:1] in ("4", "5") or status == "default":
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (operation["operationId"], status)
    login = document["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert "422" in login

    # …and the answers match it
    refused = await client.post("/api/v1/auth/login", json={"mobile": 1})
    assert refused.status_code == 422 and set(refused.json()) == set(error["required"])
    await sign_up(client)
    logout = await client.post("/api/v1/auth/logout", headers={"x-csrftoken": client.cookies.get("csrftoken") or ""})
    assert logout.status_code == 204 and logout.content == b""
    assert "content-type" not in logout.headers
