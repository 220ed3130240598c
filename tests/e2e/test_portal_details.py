"""Small things a new customer meets on every form, in Chromium: the Jalali date picker opens with its day
grid on a field that already holds a date; the browser's own English never shows — file inputs say
«انتخاب فایل» / «فایلی انتخاب نشده» and the validation bubbles speak Persian."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Screens
from tests.e2e.test_wallet_journey import DEMO_CUSTOMER, _log_in


def _customer(page: Page) -> None:
    _log_in(page, "/login", *DEMO_CUSTOMER)
    expect(page).not_to_have_url(re.compile(r"/login"))


def test_the_date_picker_opens_with_its_days_on_a_field_that_holds_a_date(page: Page, screens: Screens) -> None:
    _customer(page)
    page.goto("/wallet")
    field = page.locator("#f-deposit-date")
    picker = page.locator("jdp-container")
    # as the server sends a value back after an error (Persian digits), and as someone may type it
    for value, shown in (("۱۴۰۵/۰۲/۲۰", "1405/02/20"), ("1405-3-7", "1405/03/07")):
        field.evaluate("(el, v) => { el.value = v; }", value)
        field.click()
        expect(picker).to_be_visible()
        days = picker.locator(".jdp-day:not(.not-in-month)")
        expect(days.first).to_be_visible()
        assert days.count() >= 29
        day = str(int(shown[-2:])).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        expect(picker.locator(".jdp-day.selected")).to_have_text(day)
        expect(field).to_have_value(shown)
        screens.take(page, f"date-picker-{shown.replace('/', '-')}")
        page.keyboard.press("Escape")
        page.locator("h1").click()
        expect(picker).to_be_hidden()
