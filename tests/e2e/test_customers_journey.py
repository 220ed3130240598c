"""A new customer's way to the enterprise top-up service, in the browser.

The customer signs up, fills the legal-person form in Persian digits (a wrong
national ID first, shown under its field), and sends it. The demo admin
approves it in the back office. The customer gets the SMS, sees the Services
menu appear, accepts the terms in the table's Operations column and confirms.
"""

from __future__ import annotations

import re
import time

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DESKTOP, Portal, Screens

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
DEMO_ADMIN = ("09120000000", "kook-admin-1405")
COMPANY = "شرکت فناوری ستاره شمال"


def fa(text: str) -> str:
    return text.translate(PERSIAN)


def _at(page: Page, portal: Portal, path: str) -> None:
    expect(page).to_have_url(re.compile("^" + re.escape(portal.url + path) + r"(\?.*)?$"))


def _texts(portal: Portal, mobile: str) -> list[str]:
    """The sandbox SMS (not one-time codes) sent to ``mobile``, newest first."""
    return [m["text"] for m in portal.get_json(f"/api/v1/dev/sms?mobile={mobile}") if not m.get("code")]


def _wait_for_text(portal: Portal, mobile: str, needle: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        found = [t for t in _texts(portal, mobile) if needle in t]
        if found:
            return found[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"no SMS containing {needle!r} for {mobile}: {_texts(portal, mobile)!r}")
        time.sleep(0.1)


def _sign_up(page: Page, portal: Portal, mobile: str) -> None:
    page.goto("/signup")
    page.get_by_label("شماره موبایل").fill(fa(mobile))
    page.get_by_label("نام", exact=True).fill("نگار")
    page.get_by_label("نام خانوادگی").fill("رحیمی")
    page.get_by_label("کلمه عبور").fill("Kook-e2e-pass3")
    page.get_by_role("button", name="ثبت نام").click()
    _at(page, portal, "/signup/verify")
    page.get_by_label("کد تأیید").fill(fa(portal.latest_code(mobile)))
    page.get_by_role("button", name="تأیید").click()
    _at(page, portal, "/")


def _fill_legal_form(page: Page, national_id: str) -> None:
    page.locator("fieldset").get_by_text("حقوقی", exact=True).click()  # the kind switch
    expect(page.get_by_label("حقوقی", exact=True)).to_be_checked()
    page.get_by_label("نام شرکت").fill(COMPANY)
    page.get_by_label("شناسه ملی", exact=True).fill(fa(national_id))
    page.get_by_label("شماره ثبت").fill(fa("612345"))
    page.get_by_label("کد اقتصادی").fill(fa("411187654321"))
    page.get_by_label("نام و نام خانوادگی نماینده").fill("نگار رحیمی")
    page.get_by_label("کد ملی نماینده").fill(fa("0499370899"))
    page.get_by_label("موبایل نماینده").fill(fa("0912 555 3333"))
    page.get_by_label("کد پستی").fill(fa("1966943614"))
    page.get_by_label("تلفن ثابت").fill(fa("021-88776655"))
    page.get_by_label("نشانی", exact=True).fill("تهران، خیابان مطهری، خیابان میرعماد، کوچه دوازدهم، پلاک ۸")


def test_legal_form_in_persian_digits_approval_sms_and_service_activation(
    page: Page, browser: Browser, portal: Portal, screens: Screens
) -> None:
    mobile = "09125553333"
    menu = page.locator("#kook-menu")

    # A new customer: no Services menu yet.
    _sign_up(page, portal, mobile)
    expect(menu.get_by_role("link", name="اطلاعات مشتری")).to_be_visible()
    expect(menu.locator('[data-menu="services"]')).to_have_count(0)
    screens.take(page, "dashboard-new-customer")

    # The legal-person form in Persian digits, with a wrong national ID first.
    menu.get_by_role("link", name="اطلاعات مشتری").click()
    _at(page, portal, "/customer")
    expect(page.get_by_role("heading", name="اطلاعات مشتری", level=1)).to_be_visible()
    screens.take(page, "customer-form-empty")
    _fill_legal_form(page, national_id="10380284791")
    screens.take(page, "customer-form-legal-filled")
    page.get_by_role("button", name="تأیید و ارسال برای بررسی").click()
    national_id = page.get_by_label("شناسه ملی", exact=True)
    expect(national_id).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-national-id-error")).to_contain_text("شناسه ملی معتبر نیست")
    expect(national_id).to_have_value(fa("10380284791"))  # what they typed is kept
    expect(page.get_by_label("نام شرکت")).to_have_value(COMPANY)
    screens.take(page, "customer-form-error")
    national_id.fill(fa("10380284790"))
    page.get_by_role("button", name="تأیید و ارسال برای بررسی").click()
    _at(page, portal, "/customer")
    expect(page.get_by_text("اطلاعات شما برای بررسی ارسال شد.")).to_be_visible()
    expect(page.get_by_test_id("customer-status")).to_contain_text("در انتظار بررسی")
    expect(page.get_by_test_id("customer-name")).to_have_text(COMPANY)
    expect(page.get_by_text(fa("10380284790"))).to_be_visible()
    expect(menu.locator('[data-menu="services"]')).to_have_count(0)
    screens.take(page, "customer-submitted")

    # The demo admin approves it in the back office.
    staff_context = browser.new_context(base_url=portal.url, viewport=DESKTOP, locale="fa-IR")
    staff_context.set_default_timeout(10_000)
    try:
        staff = staff_context.new_page()
        staff.on("dialog", lambda dialog: dialog.accept())  # «… تأیید شود؟»
        staff.goto("/admin/login")
        staff.get_by_label("شماره موبایل").fill(fa(DEMO_ADMIN[0]))
        staff.get_by_label("کلمه عبور").fill(DEMO_ADMIN[1])
        staff.locator("form").get_by_role("button").last.click()
        _at(staff, portal, "/admin")
        staff.locator("#kook-menu").get_by_role("link", name="مشتریان در انتظار بررسی").click()
        _at(staff, portal, "/admin/customers")
        row = staff.get_by_test_id("customer-queue").get_by_role("row").filter(has_text=COMPANY)
        expect(row).to_contain_text(fa(mobile))
        screens.take(staff, "staff-queue")
        row.get_by_role("link", name="بررسی").click()
        expect(staff.get_by_role("heading", name="بررسی اطلاعات مشتری")).to_be_visible()
        expect(staff.get_by_test_id("review-status")).to_contain_text("در انتظار بررسی")
        screens.take(staff, "staff-detail")
        staff.get_by_role("button", name="تأیید اطلاعات مشتری").click()
        _at(staff, portal, "/admin/customers")
        expect(staff.get_by_text("اطلاعات مشتری تأیید شد")).to_be_visible()
        expect(staff.get_by_test_id("customer-queue")).to_have_count(0)
        screens.take(staff, "staff-approved")
    finally:
        staff_context.close()

    # The customer's phone got the SMS.
    sms = _wait_for_text(portal, mobile, "تأیید شد")
    assert "سرویس ها" in sms

    # The Services menu is there now, with a message waiting.
    page.reload()
    expect(page.get_by_test_id("customer-status")).to_contain_text("تأیید شده")
    expect(page.get_by_label(fa("10380284790"))).to_have_count(0)  # read-only: no inputs
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_test_id("unread-count")).to_contain_text("۱")
    screens.take(page, "customer-approved")

    menu.get_by_role("link", name="سرویس ها").click()
    _at(page, portal, "/services")
    table = page.get_by_test_id("services-table")
    topup = table.locator('tr[data-service="enterprise_topup"]')
    gateway = table.locator('tr[data-service="topup_gateway"]')
    expect(topup).to_contain_text("سرویس شارژ سازمانی")
    expect(gateway).to_contain_text("سرویس درگاه شارژ")
    expect(gateway).to_contain_text("۰۲۱-۴۴۲۰۰۹۵۳")
    screens.take(page, "services-table")

    # Read the terms, then accept and confirm in the Operations column.
    topup.get_by_role("link", name="قوانین و شرایط").click()
    _at(page, portal, "/services/enterprise_topup/terms")
    expect(page.get_by_test_id("terms-text")).to_contain_text("قوانین و شرایط استفاده از سرویس شارژ سازمانی")
    screens.take(page, "terms")
    page.go_back()
    _at(page, portal, "/services")
    topup = page.get_by_test_id("services-table").locator('tr[data-service="enterprise_topup"]')
    topup.get_by_label("قوانین و شرایط را خوانده‌ام و می‌پذیرم").check()
    topup.get_by_role("button", name="تایید").click()
    _at(page, portal, "/services")
    expect(page.get_by_text("سرویس شارژ سازمانی فعال شد.")).to_be_visible()
    expect(page.get_by_test_id("service-status-enterprise_topup")).to_contain_text("فعال")
    screens.take(page, "service-active")

    # The message from Kook is in the inbox.
    menu.get_by_role("link", name="پیام ها، رویداد ها و تقویم").click()
    _at(page, portal, "/messages")
    expect(page.get_by_role("heading", name="اطلاعات مشتری شما تأیید شد")).to_be_visible()
    page.get_by_role("button", name=re.compile("^خواندم")).click()
    _at(page, portal, "/messages")
    expect(page.get_by_test_id("unread-count").locator(".badge")).to_have_count(0)
    screens.take(page, "messages")
