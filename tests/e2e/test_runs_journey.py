"""Scheduled and repeating requests in the browser, against the real ``kook serve`` (its in-process scheduler
starts due requests every 30 s): a request scheduled a minute ahead shows its one run to come, then runs
on its own and finishes; a monthly repeat lists its runs to come on the request page, pausing it (after
the confirm question) empties that list and takes them off the calendar, resuming brings them back, and
cancelling the future runs ends it."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from kook.domain.shared.jalali import TEHRAN, JalaliDate
from tests.e2e.conftest import Screens
from tests.e2e.test_requests_journey import _available, _pay
from tests.e2e.test_wallet_journey import DEMO_CUSTOMER, _log_in

FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _new_request(page: Page, name: str) -> str:
    page.goto("/requests")
    form = page.get_by_test_id("new-request-form")
    form.get_by_label("نام درخواست").fill(name)
    form.get_by_label("شارژ", exact=True).check()
    form.get_by_role("button", name="تایید").click()
    expect(page).to_have_url(re.compile(r"/requests/[0-9a-f]{32}$"))
    page.get_by_test_id("open-add").click()
    dialog = page.get_by_test_id("dialog-add")
    dialog.locator("#a-mobile").fill("09121234567")
    dialog.locator("#a-amount").fill("۲۰۰۰۰۰")
    dialog.get_by_role("button", name="افزودن").click()
    expect(page.get_by_test_id("lines-table").locator("tbody tr")).to_have_count(1)
    return page.url


def _runs_on_calendar(page: Page, request_id: str) -> int:
    """The request's runs shown on the calendar this month and the next."""
    page.goto("/calendar")
    shown = page.locator(f'[data-run="{request_id}"]').count()
    page.get_by_test_id("next-month").click()
    expect(page.get_by_test_id("calendar")).to_be_visible()
    return shown + page.locator(f'[data-run="{request_id}"]').count()


def _status(page: Page) -> str:
    return page.get_by_role("heading").locator("[data-status]").get_attribute("data-status") or ""


def test_a_request_scheduled_a_minute_ahead_runs_on_its_own(page: Page, screens: Screens) -> None:
    _log_in(page, "/login", *DEMO_CUSTOMER)
    expect(page).not_to_have_url(re.compile(r"/login"))
    before = _available(page)
    _pay(page, 200_000)  # exactly the run's total: the wallet ends as it began (the wallet journey counts on it)
    url = _new_request(page, "شارژ یک دقیقه بعد")

    at = (datetime.now(UTC) + timedelta(seconds=90)).astimezone(TEHRAN)
    page.get_by_test_id("open-summary").click()
    summary = page.get_by_test_id("dialog-summary")
    summary.get_by_label("زمان بندی درخواست").check()
    summary.locator("#f-schedule-date").fill(str(JalaliDate.from_date(at.date())).translate(FA))
    summary.locator("#f-schedule-time").fill(f"{at.hour:02d}:{at.minute:02d}".translate(FA))
    summary.get_by_text("زمان انجام", exact=True).click()  # away from the date picker
    summary.get_by_role("button", name="تایید", exact=True).click()

    expect(page.get_by_test_id("request-schedule")).to_be_visible()
    upcoming = page.get_by_test_id("upcoming-run")
    expect(upcoming).to_have_count(1)
    expect(upcoming).to_contain_text(f"{at.hour:02d}:{at.minute:02d}".translate(FA))
    assert _status(page) == "scheduled"
    screens.take(page, "scheduled-a-minute-ahead")

    deadline = time.monotonic() + 240  # the minute, the scheduler's 30 s, the top-up itself
    while _status(page) not in ("completed", "completed_with_failures") and time.monotonic() < deadline:
        time.sleep(5)
        page.goto(url)
    assert _status(page) == "completed", _status(page)
    expect(page.get_by_test_id("request-runs")).to_have_count(0)  # no run is to come any more
    expect(page.get_by_test_id("lines-table").locator("tbody tr").first).to_contain_text("موفق")
    screens.take(page, "scheduled-request-ran")
    assert _available(page) == before  # paid in, held when confirmed, settled to the operator


def test_pausing_a_monthly_repeat_empties_its_runs_to_come(page: Page, screens: Screens) -> None:
    _log_in(page, "/login", *DEMO_CUSTOMER)
    expect(page).not_to_have_url(re.compile(r"/login"))
    _new_request(page, "شارژ ماهانه")
    page.get_by_test_id("open-summary").click()
    summary = page.get_by_test_id("dialog-summary")
    summary.get_by_label("تکرار درخواست").check()
    repeat = summary.get_by_test_id("repeat-fields")
    repeat.get_by_label("تکرار", exact=True).select_option("monthly")
    repeat.get_by_label("ساعت (به وقت تهران)").fill("۰۹:۰۰")
    repeat.get_by_label("روز ماه (ماهانه)").fill("۳۱")
    summary.get_by_label("یا تعداد دفعات").fill("۳")
    summary.get_by_role("button", name="تایید", exact=True).click()

    runs = page.get_by_test_id("request-runs")
    expect(runs.get_by_test_id("upcoming-run")).to_have_count(3)
    expect(runs.get_by_test_id("upcoming-run").first).to_contain_text("۰۹:۰۰")
    screens.take(page, "monthly-runs-to-come")
    url = page.url
    request_id = url.rsplit("/", 1)[-1]
    assert _runs_on_calendar(page, request_id) >= 1  # the runs to come are on the calendar
    page.goto(url)
    runs = page.get_by_test_id("request-runs")

    page.once("dialog", lambda question: question.accept())
    runs.get_by_role("button", name="توقف موقت").click()
    expect(page.get_by_test_id("runs-paused")).to_be_visible()
    expect(page.get_by_test_id("upcoming-run")).to_have_count(0)
    expect(page.get_by_test_id("no-upcoming-runs")).to_be_visible()
    assert _status(page) == "paused"
    screens.take(page, "monthly-paused")
    assert _runs_on_calendar(page, request_id) == 0  # and gone from it while paused
    page.goto(url)

    page.once("dialog", lambda question: question.accept())
    page.get_by_test_id("request-runs").get_by_role("button", name="ادامهٔ اجراها").click()
    expect(page.get_by_test_id("upcoming-run")).to_have_count(3)

    page.once("dialog", lambda question: question.dismiss())  # asked first: «no» changes nothing
    page.get_by_test_id("request-runs").get_by_role("button", name="لغو اجراهای بعدی").click()
    expect(page.get_by_test_id("upcoming-run")).to_have_count(3)
    page.once("dialog", lambda question: question.accept())
    page.get_by_test_id("request-runs").get_by_role("button", name="لغو اجراهای بعدی").click()
    expect(page.get_by_role("heading").locator("[data-status]")).to_have_attribute("data-status", "cancelled")
