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
        # The picker shows itself once more 300 ms after it opens (a timer of its own), undoing a hide() made
        # before: hide it from a timer set now, which fires after that one however slow the machine is (it
        # failed under load when hidden at once).
        page.evaluate("() => new Promise(done => setTimeout(() => { window.jalaliDatepicker.hide(); done(); }, 350))")
        page.locator("#f-tracking-number").focus()  # the next click on the date field opens it afresh
        expect(picker).to_be_hidden()


def _no_native_file_button(page: Page, input_id: str) -> None:
    """The native control (whose button and «No file chosen» Chromium draws in English) is not shown; the
    Persian label after it is."""
    box = page.locator(f"#{input_id}").bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1, box
    picker = page.locator(f'label.kook-file[for="{input_id}"]')
    expect(picker).to_be_visible()
    expect(picker).to_contain_text("انتخاب فایل")
    expect(page.locator(f"#{input_id}-chosen")).to_have_text("فایلی انتخاب نشده")
    expect(page.get_by_text(re.compile("Choose File|No file chosen|Browse"))).to_have_count(0)


def test_file_inputs_and_validation_messages_speak_persian(page: Page, screens: Screens) -> None:
    _customer(page)
    page.goto("/wallet")
    form = page.locator("#f-slip").locator("xpath=ancestor::form")
    _no_native_file_button(page, "f-slip")

    # sending the deposit form empty: the browser's bubbles are Persian, per field kind
    form.get_by_role("button", name="بارگذاری").click()
    expect(page.locator("#f-deposit-amount")).to_be_focused()
    message = "(el) => el.validationMessage"
    assert form.locator("#f-deposit-amount").evaluate(message) == "این فیلد را پر کنید."
    assert form.locator("#f-slip").evaluate(message) == "یک فایل انتخاب کنید."
    screens.take(page, "wallet-validation")
    # typing clears the message; the field is valid again
    page.locator("#f-deposit-amount").fill("2500000")
    assert form.locator("#f-deposit-amount").evaluate(message) == ""

    # choosing a file names it; the keyboard reaches the (hidden) control
    page.locator("#f-slip").set_input_files({"name": "فیش-آذر.png", "mimeType": "image/png", "buffer": b"\x89PNG"})
    expect(page.locator("#f-slip-chosen")).to_have_text("فیش-آذر.png")
    assert form.locator("#f-slip").evaluate(message) == ""
    page.locator("#f-tracking-number").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#f-slip")).to_be_focused()
    screens.take(page, "wallet-file-chosen")

    # the request page's upload dialog
    page.goto("/requests")
    new = page.get_by_test_id("new-request-form")
    new.get_by_role("button", name="تایید").click()  # no name: Persian bubble
    assert new.get_by_label("نام درخواست").evaluate(message) == "این فیلد را پر کنید."
    new.get_by_label("نام درخواست").fill("فایل آذر")
    new.get_by_role("button", name="تایید").click()
    expect(page).to_have_url(re.compile(r"/requests/[0-9a-f]{32}$"))
    page.get_by_test_id("open-upload").click()
    dialog = page.get_by_test_id("dialog-upload")
    expect(dialog).to_be_visible()
    _no_native_file_button(page, "u-file")
    dialog.get_by_role("button", name="تایید").click()
    assert dialog.locator("#u-file").evaluate(message) == "یک فایل انتخاب کنید."
    screens.take(page, "upload-dialog")


def test_the_browser_checks_of_other_constraints_speak_persian(page: Page) -> None:
    """The sign-up form is checked by the server (novalidate); asking the browser to check its fields shows
    the Persian messages of the other constraints: too short, and a typed value of the wrong kind."""
    page.goto("/signup")
    password = page.get_by_label("کلمه عبور")
    password.press_sequentially("abc")
    assert password.evaluate("(el) => el.reportValidity()") is False
    assert password.evaluate("(el) => el.validationMessage") == "دست‌کم ۸ نویسه وارد کنید (اکنون ۳ نویسه)."
    password.press_sequentially("defgh")
    assert password.evaluate("(el) => el.reportValidity() && el.validationMessage") == ""
    mobile = page.get_by_label("شماره موبایل")
    mobile.evaluate("(el) => { el.type = 'email'; el.value = 'not-an-address'; }")
    assert mobile.evaluate("(el) => el.reportValidity()") is False
    assert mobile.evaluate("(el) => el.validationMessage") == "یک نشانی ایمیل درست وارد کنید."
