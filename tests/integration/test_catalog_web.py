"""The catalogue's pages through the real app: the package picker and its htmx partial, and the
back office's catalogue, prefixes and routes (admin only, CSRF, errors under fields, audit)."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar

from kook.adapters.postgres.tables import catalog as t
from tests.integration.helpers import Client, sign_up
from tests.integration.test_catalog_api import (  # noqa: F401  (_seed_restored: autouse)
    CUSTOMER,
    FINANCE_MOBILE,
    _seed_restored,
    audit_actions,
    count,
    log_in_staff,
    page_token,
)


def _id_of(html: str, code: str) -> str:
    match = re.search(
        rf'href="/admin/catalog/packages/([0-9a-f]{{32}})/edit">ویرایش<span class="visually-hidden"> {code}<', html
    )
    assert match, f"no edit link for {code}"
    return match.group(1)


def _prefix_id(html: str, prefix: str) -> str:
    match = re.search(
        rf'href="/admin/prefixes/([0-9a-f]{{32}})/edit">ویرایش<span class="visually-hidden"> {prefix}<', html
    )
    assert match, f"no edit link for {prefix}"
    return match.group(1)


# --------------------------------------------------------------------------- the package picker


async def test_the_package_picker(client: Client) -> None:
    assert (await client.get("/catalog", follow_redirects=False)).headers["location"] == "/login"
    await sign_up(client, CUSTOMER)
    page = await client.get("/catalog")
    assert page.status_code == 200
    assert 'hx-get="/catalog/packages"' in page.text and 'hx-target="#package-list"' in page.text
    assert "MCI-30D-10GB" in page.text and "MTN-" not in page.text
    assert "۱٬۲۵۰٬۰۰۰ ریال" in page.text and "۱۰ گیگابایت" in page.text
    irancell = await client.get("/catalog", params={"operator": "2"})
    assert "MTN-30D-12GB" in irancell.text and "MCI-" not in irancell.text
    assert '<option value="2" selected>ایرانسل</option>' in irancell.text


async def test_the_htmx_partial_answers_options_or_a_table(client: Client) -> None:
    anonymous = await client.get("/catalog/packages", params={"operator": "1"})
    assert anonymous.status_code == 401 and "<html" not in anonymous.text
    await sign_up(client, CUSTOMER)
    options = await client.get(
        "/catalog/packages", params={"operator": "۳", "format": "options", "selected": "rtl-30d-10gb"}
    )
    assert options.status_code == 200 and "<html" not in options.text
    values = re.findall(r'<option value="([^"]*)"', options.text)
    assert values[0] == "" and len(values) >= 9 and all(v.startswith("RTL-") for v in values[1:])
    assert '<option value="RTL-30D-10GB" data-price="1050000" selected>' in options.text
    table = await client.get("/catalog/packages", params={"operator": "شاتل"})
    assert 'data-testid="package-table"' in table.text and "SHT-90D-90GB" in table.text
    bad = await client.get("/catalog/packages", params={"operator": "4", "format": "options"})
    assert bad.status_code == 422 and "کد اپراتور معتبر نیست" in bad.text and "<option" in bad.text


# --------------------------------------------------------------------------- back office


async def test_admin_catalogue_page_shows_packages_operators_and_routes(client: Client, app: Litestar) -> None:
    await log_in_staff(client, app)
    page = await client.get("/admin/catalog")
    assert page.status_code == 200
    assert page.text.count("<tr data-code=") == 36
    assert 'data-menu="catalog" aria-current="page"' in page.text
    for name in ("همراه اول", "ایرانسل", "رایتل", "شاتل"):
        assert name in page.text
    assert 'data-testid="admin-routes"' in page.text and "sandbox-mci" in page.text
    filtered = await client.get("/admin/catalog", params={"operator": "5", "status": "active"})
    assert filtered.text.count("<tr data-code=") == 8


async def test_admin_creates_a_package_with_errors_under_fields_then_edits_and_deactivates_it(
    client: Client, app: Litestar
) -> None:
    token = await log_in_staff(client, app)
    form = {
        "operator": "2",
        "code": "MTN-7D-1GB",
        "title": "بسته هفتگی ۱ گیگابایت",
        "volume_mb": "1024",
        "duration_days": "7",
        "price": "۱۹۰٬۰۰۰",
        "sim_type": "prepaid",
    }
    no_token = await client.post("/admin/catalog/packages", data=form)
    assert no_token.status_code == 403
    before = await count(app, t.packages)

    bad = await client.post(
        "/admin/catalog/packages", data={**form, "price": "ارزان", "code": "MCI-1D-1GB", "csrf_token": token}
    )
    assert bad.status_code == 422
    assert "یک عدد صحیح وارد کنید." in bad.text and 'value="ارزان"' in bad.text
    taken = await client.post("/admin/catalog/packages", data={**form, "code": "MCI-1D-1GB", "csrf_token": token})
    assert taken.status_code == 409 and "بسته‌ای با این کد پیش‌تر ثبت شده است." in taken.text
    assert await count(app, t.packages) == before

    created = await client.post("/admin/catalog/packages", data={**form, "csrf_token": token}, follow_redirects=False)
    assert created.status_code == 303 and created.headers["location"] == "/admin/catalog?operator=2"
    listing = await client.get("/admin/catalog?operator=2")
    assert "بستهٔ اینترنت اضافه شد." in listing.text and "MTN-7D-1GB" in listing.text
    package_id = _id_of(listing.text, "MTN-7D-1GB")

    edit = await client.get(f"/admin/catalog/packages/{package_id}/edit")
    assert 'value="MTN-7D-1GB"' in edit.text and "readonly" in edit.text
    saved = await client.post(
        f"/admin/catalog/packages/{package_id}",
        data={**form, "price": "210000", "code": "HACKED", "csrf_token": token},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    off = await client.post(
        f"/admin/catalog/packages/{package_id}/deactivate", data={"csrf_token": token}, follow_redirects=False
    )
    assert off.status_code == 303
    page = await client.get("/admin/catalog?operator=2&status=inactive")
    assert "MTN-7D-1GB" in page.text and "HACKED" not in page.text and "۲۱۰٬۰۰۰" in page.text
    assert (await audit_actions(app))[-3:] == ["package.create", "package.update", "package.deactivate"]


async def test_admin_bounds_form_keeps_input_on_error(client: Client, app: Litestar) -> None:
    token = await log_in_staff(client, app)
    bad = await client.post(
        "/admin/catalog/operators/3/bounds", data={"airtime_min": "۵۰۰", "airtime_max": "x", "csrf_token": token}
    )
    assert bad.status_code == 422 and 'value="x"' in bad.text and "یک عدد صحیح وارد کنید." in bad.text
    ok = await client.post(
        "/admin/catalog/operators/3/bounds",
        data={"airtime_min": "300,000", "airtime_max": "۲٬۰۰۰٬۰۰۰", "csrf_token": token},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    page = await client.get("/admin/catalog")
    assert 'id="f-min-3" name="airtime_min"' in page.text and 'value="300000"' in page.text


async def test_admin_keeps_prefixes_in_pages(client: Client, app: Litestar) -> None:
    token = await log_in_staff(client, app)
    page = await client.get("/admin/prefixes")
    assert page.status_code == 200 and page.text.count("<tr data-prefix=") == 39
    assert "مشترک — کد لازم است" in page.text

    taken = await client.post("/admin/prefixes", data={"prefix": "0912", "operator": "1", "csrf_token": token})
    assert taken.status_code == 409 and "این پیش‌شماره پیش‌تر ثبت شده است." in taken.text
    bad = await client.post("/admin/prefixes", data={"prefix": "۰۸۱۲", "operator": "7", "csrf_token": token})
    assert bad.status_code == 422 and 'value="۰۸۱۲"' in bad.text
    added = await client.post(
        "/admin/prefixes",
        data={"prefix": "۰۹۳۴", "operator": "1", "note": "تلکیش", "csrf_token": token},
        follow_redirects=False,
    )
    assert added.status_code == 303
    listing = await client.get("/admin/prefixes")
    assert "پیش‌شماره اضافه شد." in listing.text and 'data-prefix="0934"' in listing.text
    prefix_id = _prefix_id(listing.text, "0934")

    edit = await client.get(f"/admin/prefixes/{prefix_id}/edit")
    assert 'value="0934"' in edit.text
    saved = await client.post(
        f"/admin/prefixes/{prefix_id}",
        data={"prefix": "0934", "operator": "", "note": "", "csrf_token": token},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    deleted = await client.post(
        f"/admin/prefixes/{prefix_id}/delete", data={"csrf_token": token}, follow_redirects=False
    )
    assert deleted.status_code == 303
    assert 'data-prefix="0934"' not in (await client.get("/admin/prefixes")).text
    assert [a for a in await audit_actions(app) if a.startswith("prefix.")] == [
        "prefix.add",
        "prefix.update",
        "prefix.delete",
    ]


async def test_the_prefix_page_says_why_the_last_prefix_of_an_operator_stays(client: Client, app: Litestar) -> None:
    token = await log_in_staff(client, app)
    listing = await client.get("/admin/prefixes")
    first = await client.post(
        f"/admin/prefixes/{_prefix_id(listing.text, '09981')}/delete",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert first.status_code == 303
    last = await client.post(
        f"/admin/prefixes/{_prefix_id(listing.text, '09982')}/delete",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert last.status_code == 409
    assert "این آخرین پیش‌شمارهٔ اپراتوری است که مسیر ارسال دارد" in last.text
    assert 'data-prefix="09982"' in last.text and 'data-prefix="09981"' not in last.text
    assert [a for a in await audit_actions(app) if a.startswith("prefix.")] == ["prefix.delete"]


async def test_admin_edits_a_route(client: Client, app: Litestar) -> None:
    token = await log_in_staff(client, app)
    page = await client.get("/admin/catalog/routes/2/edit")
    assert page.status_code == 200 and 'value="sandbox-mtn"' in page.text
    form = {
        "name": "aggregator-x",
        "base_url": "https://aggregator.example.ir/v1",
        "credential_name": "aggregator",
        "operator_code": "1",
        "rate_limit_per_second": "10",
        "max_concurrency": "۴",
        "connect_timeout_ms": "2000",
        "read_timeout_ms": "8000",
        "breaker_failure_threshold": "5",
        "breaker_reset_seconds": "30",
        "active": "on",
        "csrf_token": token,
    }
    bad = await client.post("/admin/catalog/routes/2", data={**form, "read_timeout_ms": "5", "operator_code": ""})
    assert bad.status_code == 422 and 'value="5"' in bad.text
    saved = await client.post("/admin/catalog/routes/2", data=form, follow_redirects=False)
    assert saved.status_code == 303
    listing = await client.get("/admin/catalog")
    assert "https://aggregator.example.ir/v1" in listing.text and "aggregator-x" in listing.text
    assert "route.update" in await audit_actions(app)


@pytest.mark.parametrize(
    "path", ["/admin/catalog", "/admin/prefixes", "/admin/catalog/packages/new", "/admin/catalog/routes/1/edit"]
)
async def test_admin_pages_refuse_customers_and_other_staff(client: Client, app: Litestar, path: str) -> None:
    assert (await client.get(path, follow_redirects=False)).headers["location"] == "/admin/login"
    await sign_up(client, CUSTOMER)
    customer = await client.get(path, follow_redirects=False)
    assert customer.status_code == 403 and 'dir="rtl"' in customer.text  # logged in, not staff (issue 20)
    token = await log_in_staff(client, app, FINANCE_MOBILE, "finance")
    finance = await client.get(path)
    assert finance.status_code == 403 and 'dir="rtl"' in finance.text
    before = await count(app, t.operator_prefixes)
    post = await client.post("/admin/prefixes", data={"prefix": "0934", "operator": "1", "csrf_token": token})
    assert post.status_code == 403
    assert await count(app, t.operator_prefixes) == before
    assert page_token((await client.get("/admin")).text) == token
