"""Issue 16 (headers and CSRF), from the app's route table.

Every GET route (pages and API, ids filled in) and the router's own 404/405 and a forced 500 carry the security
headers; no error page shows a stack trace or SQL. Every state-changing cookie route refuses a write without the
CSRF token and with a wrong one (another origin: test_http_hardening).
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar, get
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from kook.entrypoints.http.app import create_app
from kook.entrypoints.settings import Settings
from tests.integration.helpers import Client
from tests.integration.test_catalog_api import log_in_staff
from tests.integration.test_http_hardening import IDS, _is_csrf_refusal, cookie_writes, fill
from tests.integration.test_wallet_api import demo_customer

SKIP = ("/static/", "/sim/", "/sandbox/", "/calendar/feed/")
IDS_ALL = dict(IDS) | {"code": "enterprise_topup", "year": "1405", "month_file": "1.pdf", "name": "x"}
IDS_ALL |= {"file_path": "kook.css", "path": "openapi.json", "reference": "x", "token": "x"}


def _check(answer: Any, *, hsts: bool = True) -> list[str]:
    problems = []
    policy = answer.headers.get("content-security-policy", "")
    if "frame-ancestors 'none'" not in policy or "unsafe-inline" in policy or "script-src 'self'" not in policy:
        problems.append(f"CSP {policy!r}")
    if answer.headers.get("x-content-type-options") != "nosniff":
        problems.append("nosniff")
    if not answer.headers.get("referrer-policy"):
        problems.append("referrer-policy")
    if hsts and not answer.headers.get("strict-transport-security", "").startswith("max-age="):
        problems.append("HSTS")
    return problems


def _get_routes(app: Litestar) -> list[str]:
    found = set()
    for route in app.routes:
        is_get = isinstance(route, HTTPRoute) and any("GET" in h.http_methods for h in route.route_handlers)
        if is_get and not route.path.startswith(SKIP):
            found.add(route.path)
    return sorted(found)


async def test_every_page_and_api_answer_carries_the_security_headers(
    client: Client, app: Litestar, settings: Settings
) -> None:
    paths = _get_routes(app)
    assert len(paths) > 80
    failures, checked = [], 0
    customer = await demo_customer(client, settings)
    for jar in ({}, customer):
        for path in paths:
            client.cookies.clear()
            client.cookies.update(jar)
            answer = await client.get(fill(path, IDS_ALL), follow_redirects=False)
            checked += 1
            problems = _check(answer)
            if answer.status_code >= 500:
                problems.append(f"status {answer.status_code}")
            if problems:
                failures.append(f"GET {path}: {answer.status_code} {problems}")
    for method, path in (
        ("GET", "/nope"),
        ("GET", "/api/v1/nope"),
        ("DELETE", "/api/v1/auth/login"),
        ("PUT", "/login"),
    ):
        answer = await client.request(method, path)
        checked += 1
        assert answer.status_code in (404, 405)
        failures += [f"{method} {path}: {p}" for p in _check(answer)]
    print(f"\nheaders checked on {checked} answers ({len(paths)} GET routes, anonymous and logged in, plus 404/405)")
    assert not failures, "\n".join(failures)


async def test_a_server_error_shows_no_stack_trace_nor_sql(settings: Settings) -> None:
    app = create_app(settings)

    @get(["/boom", "/api/v1/boom"], include_in_schema=False)
    async def boom() -> None:
        raise RuntimeError("SELECT password_hash FROM users WHERE mobile = '09121234567' -- Traceback (most recent")

    app.register(boom)
    async with AsyncTestClient(app=app, raise_server_exceptions=False) as client:
        for path in ("/boom", "/api/v1/boom"):
            answer = await client.get(path)
            assert answer.status_code == 500, (path, answer.text[:300])
            for leak in ("SELECT", "password_hash", "Traceback", "RuntimeError", 'File "', "kook/"):
                assert leak not in answer.text, (path, leak, answer.text[:500])
            assert not _check(answer), (path, _check(answer))
        assert (await client.get("/api/v1/boom")).json()["code"] == "internal_error"


async def test_every_cookie_write_refuses_a_missing_or_wrong_token(
    client: Client, app: Litestar, settings: Settings
) -> None:
    staff_token = await log_in_staff(client, app)
    staff = dict(client.cookies)
    customer = await demo_customer(client, settings)
    writes = cookie_writes(app)
    assert len(writes) > 40
    failures = []
    for method, template in writes:
        jar = staff if template.startswith(("/admin", "/api/v1/admin")) else customer
        good = staff_token if jar is staff else customer.get("csrftoken", "")
        for what, headers in (("no token", {}), ("a wrong token", {"x-csrftoken": good[::-1] or "x"})):
            client.cookies.clear()
            client.cookies.update(jar)
            answer = await client.request(method, fill(template, IDS_ALL), json={}, headers=headers)
            if answer.status_code != 403 or not _is_csrf_refusal(answer):
                failures.append(f"{method} {template} with {what}: {answer.status_code} {answer.text[:100]}")
    print(f"\nCSRF: {len(writes)} cookie write routes tried, each without a token and with a wrong one")
    assert not failures, "\n".join(failures)
