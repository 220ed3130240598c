"""The catalogue API through the real app, on SQLite and on PostgreSQL + Redis: operators,
packages and number lookup for customers and API keys; the back office for admins only."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from kook.adapters.postgres.seed.catalog import seed_rows
from kook.adapters.postgres.tables import audit as tables_audit
from kook.adapters.postgres.tables import catalog as t
from kook.application.identity.create_staff import CreateStaff, CreateStaffCommand
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import load_settings
from tests.integration.helpers import Client, csrf, sign_up

CUSTOMER = "09121234567"
ADMIN_MOBILE = "09120000001"
FINANCE_MOBILE = "09120000002"
STAFF_PASSWORD = "staff-password-1"


# --------------------------------------------------------------------------- helpers (also used by the web tests)


def page_token(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]*)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


async def create_staff(app: Litestar, mobile: str, role: str) -> None:
    # A container of its own: the app's engine belongs to the test client's event loop.
    container = make_http_container(app.state.settings)
    try:
        async with container() as scope:
            create = await scope.get(CreateStaff)
            await create(CreateStaffCommand(mobile=mobile, password=STAFF_PASSWORD, role=role, created_by="test"))
    finally:
        await container.close()


async def log_in_staff(client: Client, app: Litestar, mobile: str = ADMIN_MOBILE, role: str = "admin") -> str:
    """Create and log in a staff member; returns the session's CSRF token."""
    await create_staff(app, mobile, role)
    client.cookies.clear()
    login = await client.get("/admin/login")
    response = await client.post(
        "/admin/login",
        data={"mobile": mobile, "password": STAFF_PASSWORD, "csrf_token": page_token(login.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    home = await client.get("/admin")
    assert home.status_code == 200
    return page_token(home.text)


async def _scalar_rows(app: Litestar, query: sa.Select[Any]) -> list[Any]:
    engine = create_async_engine(app.state.settings.database_url)  # not the app's: another event loop
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(query)).scalars())
    finally:
        await engine.dispose()


async def count(app: Litestar, table: sa.Table) -> int:
    [found] = await _scalar_rows(app, sa.select(sa.func.count()).select_from(table))
    return int(found)


async def audit_actions(app: Litestar) -> list[str]:
    return [
        str(a)
        for a in await _scalar_rows(
            app, sa.select(tables_audit.audit_log.c.action).order_by(tables_audit.audit_log.c.id)
        )
    ]


async def restore_catalog_seed(engine: AsyncEngine) -> None:
    """Put the seeded catalogue back as migration 0003 left it (PostgreSQL keeps it between tests)."""
    rows = seed_rows(datetime.now(UTC))
    async with engine.begin() as connection:
        seed_ids = [r["id"] for r in rows["packages"]]
        await connection.execute(sa.delete(t.packages).where(t.packages.c.id.not_in(seed_ids)))
        for row in rows["packages"]:
            values = {k: v for k, v in row.items() if k not in ("id", "created_at")}
            await connection.execute(sa.update(t.packages).where(t.packages.c.id == row["id"]).values(**values))
        await connection.execute(sa.delete(t.operator_prefixes))
        await connection.execute(sa.insert(t.operator_prefixes), rows["operator_prefixes"])
        for row in rows["operators"]:
            await connection.execute(sa.update(t.operators).where(t.operators.c.code == row["code"]).values(**row))
        for row in rows["operator_routes"]:
            values = {k: v for k, v in row.items() if k != "operator"}
            await connection.execute(
                sa.update(t.operator_routes).where(t.operator_routes.c.operator == row["operator"]).values(**values)
            )


@pytest.fixture(autouse=True)
def _seed_restored(request: pytest.FixtureRequest) -> Iterator[None]:
    """On PostgreSQL the seeded tables are kept between tests: put back what a test changed."""
    url = None
    if "settings" in request.fixturenames and request.getfixturevalue("backend") == "postgres":
        url = request.getfixturevalue("settings").database_url
    yield
    if url is not None:

        async def restore() -> None:
            engine = create_async_engine(url)
            try:
                await restore_catalog_seed(engine)
            finally:
                await engine.dispose()

        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(asyncio.run, restore()).result()


# --------------------------------------------------------------------------- customers and integrators


@pytest.mark.parametrize(
    "path", ["/api/v1/catalog/operators", "/api/v1/catalog/packages?operator=1", "/api/v1/catalog/lookup?mobile=0912"]
)
async def test_catalogue_reads_need_a_login(client: Client, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


async def test_a_customer_reads_operators_and_packages(client: Client) -> None:
    await sign_up(client, CUSTOMER)
    body = (await client.get("/api/v1/catalog/operators")).json()
    assert [(o["code"], o["name"]) for o in body["items"]] == [
        (1, "همراه اول"),
        (2, "ایرانسل"),
        (3, "رایتل"),
        (5, "شاتل"),
    ]
    mci = body["items"][0]
    assert "0912" in mci["prefixes"] and "0990" in mci["prefixes"] and "0932" in mci["prefixes"]
    assert (mci["airtime_min"], mci["airtime_max"]) == (200_000, 1_000_000)
    assert body["shared_prefixes"] == ["0999"]
    for operator in (1, 2, 3, 5):
        items = (await client.get("/api/v1/catalog/packages", params={"operator": operator})).json()["items"]
        assert len(items) >= 8
        assert {i["operator"]["code"] for i in items} == {operator}
        assert all(i["active"] for i in items)
        assert {1, 7, 30, 90} <= {i["duration_days"] for i in items}
    by_name = (await client.get("/api/v1/catalog/packages", params={"operator": "ایرانسل"})).json()["items"]
    assert by_name[0]["code"].startswith("MTN-")
    every = (await client.get("/api/v1/catalog/packages")).json()["items"]
    assert len(every) == 36


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"mobile": "09121234567"}, ("09121234567", 1, "prefix", False)),
        ({"mobile": "+98 936 123 4567"}, ("09361234567", 2, "prefix", False)),
        ({"mobile": "۰۹۲۱۱۲۳۴۵۶۷"}, ("09211234567", 3, "prefix", False)),
        ({"mobile": "9981234567.0"}, ("09981234567", 5, "prefix", False)),
        ({"mobile": "09121234567", "operator": "2"}, ("09121234567", 2, "given", True)),
        ({"mobile": "09121234567", "operator": "۱"}, ("09121234567", 1, "given", False)),
        ({"mobile": "09991234567", "operator": "رایتل"}, ("09991234567", 3, "given", False)),
        ({"mobile": "09121234567", "operator": ""}, ("09121234567", 1, "prefix", False)),
    ],
)
async def test_lookup(client: Client, params: dict[str, str], expected: tuple[str, int, str, bool]) -> None:
    await sign_up(client, CUSTOMER)
    response = await client.get("/api/v1/catalog/lookup", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["mobile"], body["operator"]["code"], body["source"], body["ported"]) == expected
    assert body["given"] is (expected[2] == "given")
    assert body["operator"]["name"]


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/api/v1/catalog/lookup", {}, 422, "mobile_invalid"),
        ("/api/v1/catalog/lookup", {"mobile": "02188888888"}, 422, "mobile_invalid"),
        ("/api/v1/catalog/lookup", {"mobile": "+447911123456"}, 422, "mobile_invalid"),
        ("/api/v1/catalog/lookup", {"mobile": "0912" + "1" * 40}, 422, "mobile_invalid"),
        ("/api/v1/catalog/lookup", {"mobile": "09801234567"}, 422, "mobile_prefix_unassigned"),
        ("/api/v1/catalog/lookup", {"mobile": "09801234567", "operator": "1"}, 422, "mobile_prefix_unassigned"),
        ("/api/v1/catalog/lookup", {"mobile": "09991234567"}, 422, "operator_unknown"),
        ("/api/v1/catalog/lookup", {"mobile": "09121234567", "operator": "4"}, 422, "operator_code_invalid"),
        ("/api/v1/catalog/lookup", {"mobile": "09121234567", "operator": "Vodafone"}, 422, "operator_code_invalid"),
        ("/api/v1/catalog/packages", {"operator": "4"}, 422, "operator_code_invalid"),
        ("/api/v1/catalog/packages", {"operator": "<script>"}, 422, "operator_code_invalid"),
    ],
)
async def test_bad_lookup_and_catalogue_input_is_4xx_with_a_code(
    client: Client, path: str, params: dict[str, str], status: int, code: str
) -> None:
    await sign_up(client, CUSTOMER)
    response = await client.get(path, params=params)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code and body["message"]


async def test_an_api_key_reads_the_catalogue(client: Client) -> None:
    me = await sign_up(client, CUSTOMER)
    key = (await client.post("/api/v1/api-keys", json={"name": "ERP"}, headers=csrf(me))).json()["key"]
    client.cookies.clear()
    auth = {"authorization": f"Bearer {key}"}
    response = await client.get("/api/v1/catalog/lookup", params={"mobile": "09351234567"}, headers=auth)
    assert response.status_code == 200 and response.json()["operator"]["code"] == 2
    assert (await client.get("/api/v1/catalog/operators", headers=auth)).status_code == 200
    wrong = await client.get("/api/v1/catalog/operators", headers={"authorization": "Bearer kook_nope"})
    assert wrong.status_code == 401


# --------------------------------------------------------------------------- the back office


NEW_PACKAGE = {
    "operator": 3,
    "code": "rtl-7d-2gb",
    "title": "بسته هفتگی ۲ گیگابایت",
    "volume_mb": 2048,
    "duration_days": 7,
    "price": "۲۹۰٬۰۰۰",
    "sim_type": "prepaid",
}


async def test_an_admin_creates_edits_and_deactivates_a_package(client: Client, app: Litestar) -> None:
    token = await log_in_staff(client, app)
    headers = {"x-csrftoken": token}
    created = await client.post("/api/v1/admin/catalog/packages", json=NEW_PACKAGE, headers=headers)
    assert created.status_code == 201, created.text
    package = created.json()
    assert (package["code"], package["price"], package["operator"]["code"]) == ("RTL-7D-2GB", 290_000, 3)

    again = await client.post("/api/v1/admin/catalog/packages", json=NEW_PACKAGE, headers=headers)
    assert again.status_code == 409 and again.json()["code"] == "conflict"

    edited = await client.patch(
        f"/api/v1/admin/catalog/packages/{package['id']}", json={"price": 310_000}, headers=headers
    )
    assert edited.status_code == 200 and edited.json()["price"] == 310_000
    assert edited.json()["title"] == NEW_PACKAGE["title"]

    off = await client.post(f"/api/v1/admin/catalog/packages/{package['id']}/deactivate", headers=headers)
    assert off.status_code == 200 and off.json()["active"] is False
    inactive = (await client.get("/api/v1/admin/catalog/packages", params={"active": "false"})).json()["items"]
    assert [p["code"] for p in inactive] == ["RTL-7D-2GB"]

    client.cookies.clear()
    await sign_up(client, CUSTOMER)
    sold = (await client.get("/api/v1/catalog/packages", params={"operator": 3})).json()["items"]
    assert "RTL-7D-2GB" not in [p["code"] for p in sold]
    assert (await audit_actions(app))[-3:] == ["package.create", "package.update", "package.deactivate"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({**NEW_PACKAGE, "operator": 4}, {"operator"}),
        ({**NEW_PACKAGE, "code": "a"}, {"code"}),
        ({**NEW_PACKAGE, "price": "12.5"}, {"price"}),
        ({**NEW_PACKAGE, "price": 0, "duration_days": 0}, {"price", "duration_days"}),
        ({**NEW_PACKAGE, "title": "  "}, {"title"}),
        ({**NEW_PACKAGE, "sim_type": "gold"}, {"sim_type"}),
        ({**NEW_PACKAGE, "volume_mb": "lots"}, {"volume_mb"}),
        ({**NEW_PACKAGE, "colour": "red"}, None),
        ({"code": "X-1"}, None),
    ],
)
async def test_bad_package_input_is_422_and_writes_nothing(
    client: Client, app: Litestar, body: dict[str, Any], fields: set[str] | None
) -> None:
    token = await log_in_staff(client, app)
    before = await count(app, t.packages)
    response = await client.post("/api/v1/admin/catalog/packages", json=body, headers={"x-csrftoken": token})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    if fields is not None:
        assert set(response.json()["details"]["fields"]) == fields
    assert await count(app, t.packages) == before
    assert "package.create" not in await audit_actions(app)


async def test_an_admin_keeps_the_prefix_table(client: Client, app: Litestar) -> None:
    token = await log_in_staff(client, app)
    headers = {"x-csrftoken": token}
    added = await client.post(
        "/api/v1/admin/prefixes", json={"prefix": "۰۹۳۴", "operator": "همراه اول", "note": "تلکیش"}, headers=headers
    )
    assert added.status_code == 201, added.text
    entry = added.json()
    assert (entry["prefix"], entry["operator"]["code"]) == ("0934", 1)
    clash = await client.post("/api/v1/admin/prefixes", json={"prefix": "0934", "operator": 2}, headers=headers)
    assert clash.status_code == 409
    bad = await client.post("/api/v1/admin/prefixes", json={"prefix": "0812", "operator": 9}, headers=headers)
    assert bad.status_code == 422
    assert set(bad.json()["details"]["fields"]) == {"prefix", "operator"}

    shared = await client.patch(f"/api/v1/admin/prefixes/{entry['id']}", json={"shared": True}, headers=headers)
    assert shared.status_code == 200 and shared.json()["operator"] is None
    listed = (await client.get("/api/v1/admin/prefixes")).json()["items"]
    assert len(listed) == 40 and "0934" in [p["prefix"] for p in listed]

    client.cookies.clear()
    await sign_up(client, CUSTOMER)
    unknown = await client.get("/api/v1/catalog/lookup", params={"mobile": "09341234567"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "operator_unknown"

    token = await log_in_staff(client, app, "09120000003")
    deleted = await client.delete(f"/api/v1/admin/prefixes/{entry['id']}", headers={"x-csrftoken": token})
    assert deleted.status_code == 204
    assert (await client.get(f"/api/v1/admin/prefixes/{entry['id']}")).status_code == 404
    assert [a for a in await audit_actions(app) if a.startswith("prefix.")] == [
        "prefix.add",
        "prefix.update",
        "prefix.delete",
    ]


async def test_the_last_prefix_of_a_routed_operator_cannot_be_taken_away(client: Client, app: Litestar) -> None:
    """Issue 20: staff could delete the whole prefix table through the API, and then no number routed."""
    token = await log_in_staff(client, app)
    headers = {"x-csrftoken": token}
    listed = (await client.get("/api/v1/admin/prefixes")).json()["items"]
    shatel = {p["prefix"]: p["id"] for p in listed if p["operator"] is not None and p["operator"]["code"] == 5}
    assert sorted(shatel) == ["09981", "09982"]

    first = await client.delete(f"/api/v1/admin/prefixes/{shatel['09981']}", headers=headers)
    assert first.status_code == 204
    last = await client.delete(f"/api/v1/admin/prefixes/{shatel['09982']}", headers=headers)
    assert last.status_code == 409, last.text
    assert last.json()["code"] == "last_prefix" and "آخرین پیش‌شماره" in last.json()["message"]
    moved = await client.patch(f"/api/v1/admin/prefixes/{shatel['09982']}", json={"operator": 1}, headers=headers)
    assert moved.status_code == 409 and moved.json()["code"] == "last_prefix"
    shared = await client.patch(f"/api/v1/admin/prefixes/{shatel['09982']}", json={"shared": True}, headers=headers)
    assert shared.status_code == 409 and shared.json()["code"] == "last_prefix"
    noted = await client.patch(f"/api/v1/admin/prefixes/{shatel['09982']}", json={"note": "شاتل"}, headers=headers)
    assert noted.status_code == 200  # the same operator: allowed
    assert (await client.get(f"/api/v1/admin/prefixes/{shatel['09982']}")).status_code == 200
    assert [a for a in await audit_actions(app) if a.startswith("prefix.")] == ["prefix.delete", "prefix.update"]

    client.cookies.clear()
    await sign_up(client, CUSTOMER)
    routed = await client.get("/api/v1/catalog/lookup", params={"mobile": "09982123456"})
    assert routed.status_code == 200 and routed.json()["operator"]["code"] == 5


async def test_an_admin_sets_airtime_bounds_and_routes(client: Client, app: Litestar) -> None:
    token = await log_in_staff(client, app)
    headers = {"x-csrftoken": token}
    bounds = await client.patch(
        "/api/v1/admin/catalog/operators/5", json={"airtime_min": "100,000", "airtime_max": 500_000}, headers=headers
    )
    assert bounds.status_code == 200 and (bounds.json()["airtime_min"], bounds.json()["airtime_max"]) == (
        100_000,
        500_000,
    )
    wrong = await client.patch(
        "/api/v1/admin/catalog/operators/5", json={"airtime_min": 9, "airtime_max": 1}, headers=headers
    )
    assert wrong.status_code == 422
    assert (
        await client.patch(
            "/api/v1/admin/catalog/operators/4", json={"airtime_min": 1, "airtime_max": 2}, headers=headers
        )
    ).json()["code"] == "operator_code_invalid"

    routes = (await client.get("/api/v1/admin/catalog/routes")).json()["items"]
    assert [r["operator"]["code"] for r in routes] == [1, 2, 3, 5]
    assert all(r["base_url"] is None and r["adapter"] == "http" for r in routes)
    changed = await client.patch(
        "/api/v1/admin/catalog/routes/2",
        json={
            "base_url": "https://aggregator.example.ir/v1",
            "operator_codes": {"2": "1", "1": "2"},
            "max_concurrency": 4,
        },
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    route = changed.json()
    assert route["operator_codes"] == {"1": "2", "2": "1"} and route["max_concurrency"] == 4
    back = await client.patch("/api/v1/admin/catalog/routes/2", json={"clear": ["base_url"]}, headers=headers)
    assert back.json()["base_url"] is None
    refused = await client.patch("/api/v1/admin/catalog/routes/2", json={"read_timeout_ms": 1}, headers=headers)
    assert refused.status_code == 422
    assert (await audit_actions(app)).count("route.update") == 2
    assert "operator.airtime_bounds" in await audit_actions(app)


ADMIN_CALLS = [
    ("GET", "/api/v1/admin/catalog/packages", None),
    ("POST", "/api/v1/admin/catalog/packages", NEW_PACKAGE),
    ("GET", "/api/v1/admin/prefixes", None),
    ("POST", "/api/v1/admin/prefixes", {"prefix": "0934", "operator": 1}),
    ("PATCH", "/api/v1/admin/catalog/operators/1", {"airtime_min": 1, "airtime_max": 2}),
    ("GET", "/api/v1/admin/catalog/routes", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_CALLS)
async def test_admin_calls_refuse_customers_and_other_staff(
    client: Client, app: Litestar, method: str, path: str, body: dict[str, Any] | None
) -> None:
    before = (await count(app, t.packages), await count(app, t.operator_prefixes))
    anonymous = await client.request(method, path, json=body)
    assert anonymous.status_code == 401

    me = await sign_up(client, CUSTOMER)
    customer = await client.request(method, path, json=body, headers=csrf(me))
    assert customer.status_code == 403 and customer.json()["code"] == "forbidden"  # logged in, not staff (issue 20)

    token = await log_in_staff(client, app, FINANCE_MOBILE, "finance")
    finance = await client.request(method, path, json=body, headers={"x-csrftoken": token})
    assert finance.status_code == 403 and finance.json()["code"] == "forbidden"
    assert (await count(app, t.packages), await count(app, t.operator_prefixes)) == before


async def test_the_sandbox_operator_is_mounted_in_test_apps(client: Client) -> None:
    body = {"reference": "mounted-1", "mobile": "09121234567", "operator_code": "1", "product": "airtime", "amount": 1}
    assert (await client.post("/sim/topups", json=body)).json()["status"] == "succeeded"
    listed = (await client.get("/sim/topups", params={"mobile": "09121234567"})).json()
    assert [item["reference"] for item in listed] == ["mounted-1"]


def test_the_sandbox_operator_is_absent_in_prod_apps(tmp_path: Path) -> None:
    from kook.entrypoints.http.app import create_app

    prod = load_settings(
        {
            "KOOK_ENV": "prod",
            "KOOK_DATA_DIR": str(tmp_path),
            "KOOK_DATABASE_URL": "postgresql+asyncpg://kook@db.invalid/kook",
            "KOOK_SECRET_KEY": "x" * 40,
            "KOOK_REDIS_URL": "redis://redis.invalid:6379/0",
            "KOOK_KAVENEGAR_API_KEY": "k",
            "KOOK_ZARINPAL_MERCHANT_ID": "00000000-0000-0000-0000-000000000000",
        }
    )
    paths = {route.path for route in create_app(prod).routes}
    assert "/sim/topups" not in paths and "/api/v1/catalog/lookup" in paths
    assert prod.operator_base_url == ""
