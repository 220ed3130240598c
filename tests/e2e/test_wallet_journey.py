"""Funding the wallet in the browser: pay online through the sandbox gateway
and see the balance; upload a deposit slip; finance approves it in the back
office; the customer sees the new balance and the message."""

from __future__ import annotations

import re
from io import BytesIO

from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Portal, Screens

DEMO_CUSTOMER = ("09121110000", "kook-demo-1405")
DEMO_ADMIN = ("09120000000", "kook-admin-1405")


def _slip_png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (320, 200), (240, 240, 230)).save(buffer, format="PNG")
    return buffer.getvalue()


def _log_in(page: Page, path: str, mobile: str, password: str) -> None:
    page.goto(path)
    page.get_by_label("شماره موبایل").fill(mobile)
    page.get_by_label("کلمه عبور").fill(password)
    page.locator("form").get_by_role("button").last.click()


def _available(page: Page) -> str:
    return page.get_by_test_id("page-wallet-available").inner_text()


def test_pay_online_upload_a_slip_and_finance_approves(page: Page, portal: Portal, screens: Screens) -> None:
    _log_in(page, "/login", *DEMO_CUSTOMER)
    page.goto("/wallet")
    expect(page.get_by_role("heading", name="افزایش اعتبار کیف پول")).to_be_visible()
    before = _available(page)
    screens.take(page, "wallet")

    # online payment through the sandbox bank gateway
    page.locator("#f-amount").fill("۱٬۵۰۰٬۰۰۰")
    page.get_by_role("button", name="پرداخت", exact=True).click()
    expect(page).to_have_url(re.compile(r"/sandbox/gateway/"))
    expect(page.get_by_text("۱٬۵۰۰٬۰۰۰")).to_be_visible()
    screens.take(page, "sandbox-gateway")
    page.get_by_role("button", name="پرداخت", exact=True).click()
    expect(page.get_by_test_id("payment-result")).to_have_text("پرداخت با موفقیت انجام شد")
    after_payment = _available(page)
    assert after_payment != before
    assert "۱٬۵۰۰٬۰۰۰" in after_payment
    screens.take(page, "payment-result")

    # a deposit slip
    page.goto("/wallet")
    page.locator("#f-bank-account").select_option("mellat")
    page.locator("#f-deposit-amount").fill("2500000")
    page.locator("#f-deposit-date").evaluate("(el, v) => { el.value = v; }", "۱۴۰۵/۰۲/۲۰")
    page.locator("#f-tracking-number").fill("۷۷۷۱۲۳۴۵")
    page.locator("#f-slip").set_input_files({"name": "slip.png", "mimeType": "image/png", "buffer": _slip_png()})
    page.get_by_role("button", name="بارگذاری").click()
    expect(page.get_by_text("فیش واریزی ثبت شد")).to_be_visible()
    screens.take(page, "deposit-submitted")
    page.locator("header").get_by_role("button", name="خروج", exact=True).click()

    # finance (the demo admin) approves it
    _log_in(page, "/admin/login", *DEMO_ADMIN)
    page.goto("/admin/deposits")
    screens.take(page, "finance-queue")
    page.get_by_role("link", name="بررسی", exact=True).first.click()
    expect(page.get_by_test_id("deposit-amount")).to_contain_text("۲٬۵۰۰٬۰۰۰")
    screens.take(page, "finance-deposit")
    page.get_by_role("button", name="تأیید و افزایش اعتبار").click()
    expect(page.get_by_text("فیش تأیید و کیف پول مشتری شارژ شد.")).to_be_visible()
    page.locator("header").get_by_role("button", name="خروج", exact=True).click()

    # the customer sees the new balance and the message
    _log_in(page, "/login", *DEMO_CUSTOMER)
    page.goto("/wallet")
    assert "۴٬۰۰۰٬۰۰۰" in _available(page)
    screens.take(page, "wallet-after-approval")
    page.goto("/messages")
    expect(page.get_by_text("فیش واریزی تأیید شد").first).to_be_visible()
    screens.take(page, "messages")
