"""A repeating request set up while the wallet is short, in the browser: in the «تایید نهایی» dialog
«همین حالا» and «زمان بندی درخواست» would hold the whole total now, so «تایید» stays off for them; a
repeat holds nothing until each run starts, so choosing «تکرار درخواست» turns it on. Each choice shows
its own fields only. The repeat is confirmed (nothing held), then cancelled so no run is left behind."""

from __future__ import annotations

import re
from io import BytesIO

import openpyxl  # type: ignore[import-untyped, unused-ignore]
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Screens
from tests.e2e.test_requests_journey import _available
from tests.e2e.test_wallet_journey import DEMO_CUSTOMER, _log_in

LINES = 120
AMOUNT = 1_000_000  # the most one top-up line may be: 120 of them is far more than the demo wallet holds


def _sheet() -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["شماره موبایل", "مبلغ"])
    for i in range(LINES):
        ws.append([f"0912{i:06d}7", AMOUNT])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_short_wallet_may_still_set_up_a_repeat(page: Page, screens: Screens) -> None:
    _log_in(page, "/login", *DEMO_CUSTOMER)
    expect(page).not_to_have_url(re.compile(r"/login"))
    available = _available(page)
    assert available < LINES * AMOUNT

    page.goto("/requests")
    form = page.get_by_test_id("new-request-form")
    form.get_by_label("نام درخواست").fill("شارژ ماهانه کارکنان")
    form.get_by_label("شارژ", exact=True).check()
    form.get_by_role("button", name="تایید").click()
    expect(page).to_have_url(re.compile(r"/requests/[0-9a-f]{32}$"))
    page.get_by_test_id("open-upload").click()
    dialog = page.get_by_test_id("dialog-upload")
    dialog.locator("#u-file").set_input_files(
        {"name": "monthly.xlsx", "mimeType": "application/octet-stream", "buffer": _sheet()}
    )
    dialog.get_by_role("button", name="تایید").click()
    expect(page.get_by_test_id("upload-valid")).to_have_text("۱۲۰")

    page.get_by_test_id("open-summary").click()
    summary = page.get_by_test_id("dialog-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_test_id("summary-shortfall")).to_be_visible()
    confirm = summary.get_by_role("button", name="تایید", exact=True)
    schedule_fields = summary.get_by_test_id("schedule-fields")
    repeat_fields = summary.get_by_test_id("repeat-fields")

    # «همین حالا» (the default): no schedule fields, and no confirming with the wallet short
    expect(summary.get_by_label("همین حالا")).to_be_checked()
    expect(schedule_fields).to_be_hidden()
    expect(repeat_fields).to_be_hidden()
    expect(summary.get_by_test_id("confirm-short-hint")).to_be_visible()
    expect(confirm).to_be_disabled()
    holds_now = summary.get_by_text("با تایید، مبلغ کل از موجودی قابل استفاده کیف پول رزرو")
    expect(holds_now).to_be_visible()

    # a one-off schedule holds the total now as well: its fields show, the button stays off
    summary.get_by_label("زمان بندی درخواست").check()
    expect(schedule_fields).to_be_visible()
    expect(repeat_fields).to_be_hidden()
    expect(confirm).to_be_disabled()

    # a repeat holds nothing now: its fields show and the button comes on
    summary.get_by_label("تکرار درخواست").check()
    expect(repeat_fields).to_be_visible()
    expect(schedule_fields).to_be_hidden()
    expect(confirm).to_be_enabled()
    expect(holds_now).to_be_hidden()  # a repeat holds nothing now
    repeat_fields.get_by_label("تکرار", exact=True).select_option("monthly")
    repeat_fields.get_by_label("ساعت (به وقت تهران)").fill("۰۹:۰۰")
    repeat_fields.get_by_label("روز ماه (ماهانه)").fill("۱")
    summary.get_by_label("یا تعداد دفعات").fill("۳")
    screens.take(page, "repeat-with-short-wallet", full_page=False)
    confirm.click()

    schedule = page.get_by_test_id("request-schedule")
    expect(schedule).to_be_visible()
    expect(schedule).to_contain_text("هر ماه")
    expect(schedule).to_contain_text("۳ بار")
    expect(page.get_by_test_id("next-run")).to_be_visible()
    badge = page.get_by_role("heading").locator("[data-status]")
    expect(badge).to_have_attribute("data-status", "scheduled")
    request_url = page.url
    assert _available(page) == available  # nothing held: each run holds its own money when it starts

    # no run is left behind for the other journeys
    page.goto(request_url)
    page.once("dialog", lambda question: question.accept())
    page.get_by_role("button", name="لغو درخواست").click()
    expect(page.get_by_role("heading").locator("[data-status]")).to_have_attribute("data-status", "cancelled")
