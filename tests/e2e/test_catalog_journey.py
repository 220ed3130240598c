"""The catalogue in the browser: the admin adds a package and deactivates it, adds and deletes a
prefix; a customer picks an operator and sees its packages swapped in by htmx; the simulated
operator answers at /sim of the same portal."""

from __future__ import annotations

import json
import re
import urllib.request

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Portal, Screens

DEMO_CUSTOMER = ("09121110000", "kook-demo-1405")
DEMO_ADMIN = ("09120000000", "kook-admin-1405")


def _log_in(page: Page, path: str, mobile: str, password: str) -> None:
    page.goto(path)
    page.get_by_label("شماره موبایل").fill(mobile)
    page.get_by_label("کلمه عبور").fill(password)
    page.locator("form").get_by_role("button").last.click()


def test_admin_keeps_the_catalogue_and_a_customer_picks_packages(page: Page, portal: Portal, screens: Screens) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    _log_in(page, "/admin/login", *DEMO_ADMIN)
    page.get_by_role("link", name="کاتالوگ و پیش‌شماره‌ها").first.click()
    expect(page).to_have_url(re.compile(r"/admin/catalog$"))
    expect(page.get_by_role("heading", name="کاتالوگ و پیش‌شماره‌ها", level=1)).to_be_visible()
    expect(page.get_by_test_id("admin-packages").locator("tr[data-code]")).to_have_count(36)
    screens.take(page, "admin-catalog")

    # a new package: an error under the price first, then saved
    page.get_by_role("link", name="بستهٔ جدید").click()
    page.locator("#f-operator").select_option("5")
    page.get_by_label("کد بسته").fill("SHT-7D-1GB-E2E")
    page.get_by_label("عنوان فارسی").fill("بسته هفتگی ۱ گیگابایت")
    page.get_by_label("حجم (مگابایت)").fill("۱۰۲۴")
    page.get_by_label("مدت (روز)").fill("۷")
    page.get_by_label("قیمت (ریال)").fill("ارزان")
    page.get_by_role("button", name="ثبت بسته").click()
    expect(page.locator("#f-price-error")).to_have_text("یک عدد صحیح وارد کنید.")
    expect(page.get_by_label("کد بسته")).to_have_value("SHT-7D-1GB-E2E")
    screens.take(page, "package-form-error")
    page.get_by_label("قیمت (ریال)").fill("۱۹۵٬۰۰۰")
    page.get_by_role("button", name="ثبت بسته").click()
    expect(page.get_by_text("بستهٔ اینترنت اضافه شد.")).to_be_visible()
    row = page.locator('tr[data-code="SHT-7D-1GB-E2E"]')
    expect(row).to_contain_text("۱۹۵٬۰۰۰ ریال")
    expect(row.locator("[data-status]")).to_have_text("فعال")
    screens.take(page, "package-added")

    # deactivated: no longer sold (the page asks first)
    row.get_by_role("button", name=re.compile("غیرفعال کردن")).click()
    expect(page.get_by_text("بسته غیرفعال شد و دیگر فروخته نمی‌شود.")).to_be_visible()
    expect(page.locator('tr[data-code="SHT-7D-1GB-E2E"] [data-status]')).to_have_text("غیرفعال")
    screens.take(page, "package-deactivated")

    # a prefix, then gone again
    page.get_by_role("link", name="پیش‌شماره‌ها", exact=True).click()
    expect(page.get_by_role("heading", name="پیش‌شماره‌های اپراتورها")).to_be_visible()
    page.get_by_label("پیش‌شماره", exact=True).fill("۰۹۹۸۹")
    page.locator("#f-operator").select_option("5")
    page.get_by_role("button", name="افزودن").click()
    expect(page.get_by_text("پیش‌شماره اضافه شد.")).to_be_visible()
    added = page.locator('tr[data-prefix="09989"]')
    expect(added).to_contain_text("شاتل")
    screens.take(page, "prefix-added")
    added.get_by_role("button", name=re.compile("حذف")).click()
    expect(page.get_by_text("پیش‌شماره حذف شد.")).to_be_visible()
    expect(page.locator('tr[data-prefix="09989"]')).to_have_count(0)

    # a customer picks an operator; htmx swaps in its packages (the deactivated one is not offered)
    page.context.clear_cookies()
    _log_in(page, "/login", *DEMO_CUSTOMER)
    page.goto("/catalog")
    expect(page.get_by_role("heading", name="بسته‌های اینترنت")).to_be_visible()
    expect(page.locator('#package-list tr[data-code="MCI-30D-10GB"]')).to_be_visible()
    screens.take(page, "picker-mci")
    page.get_by_label("اپراتور").select_option("5")
    expect(page.locator('#package-list tr[data-code="SHT-90D-90GB"]')).to_be_visible()
    expect(page.locator('#package-list tr[data-code="MCI-30D-10GB"]')).to_have_count(0)
    expect(page.locator('#package-list tr[data-code="SHT-7D-1GB-E2E"]')).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/catalog$"))
    screens.take(page, "picker-shatel")

    # the simulated operator is part of the same server
    body = json.dumps(
        {"reference": "e2e-1", "mobile": "09121110005", "operator_code": "1", "product": "airtime", "amount": 200000}
    ).encode()
    request = urllib.request.Request(
        portal.url + "/sim/topups", data=body, headers={"content-type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["status"] == "succeeded"
    assert "e2e-1" in [t["reference"] for t in portal.get_json("/sim/topups?mobile=09121110005")]
