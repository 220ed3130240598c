"""The calendar in the browser: from the messages page to the calendar, today marked; a click on today
adds an event there with a reminder by SMS and portal message at the event's time (the time is now, so it
is due at once); the scheduler of ``kook serve`` sends it and the text arrives in the sandbox SMS inbox,
once, and the reminder shows in the messages."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from playwright.sync_api import Page, expect

from kook.domain.shared.jalali import TEHRAN, from_gregorian
from tests.e2e.conftest import Portal, Screens
from tests.e2e.test_wallet_journey import DEMO_CUSTOMER, _log_in

TITLE = "تمدید قرارداد اپراتور"
REMINDER_WAIT = 120.0  # the scheduler runs calendar.remind every 30 s


def _reminders(portal: Portal, mobile: str) -> list[str]:
    return [m["text"] for m in portal.get_json(f"/api/v1/dev/sms?mobile={mobile}") if TITLE in m["text"]]


def test_add_an_event_from_the_calendar_and_receive_its_reminder(page: Page, portal: Portal, screens: Screens) -> None:
    mobile = DEMO_CUSTOMER[0]
    _log_in(page, "/login", *DEMO_CUSTOMER)
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.goto("/messages")
    page.get_by_test_id("calendar-tab").click()
    expect(page).to_have_url(re.compile(r"/calendar$"))
    calendar = page.get_by_test_id("calendar")
    today = calendar.locator('td[aria-current="date"]')
    expect(today).to_have_count(1)
    screens.take(page, "calendar")

    today.locator("a.kook-calendar-add").click()
    expect(page).to_have_url(re.compile(r"/calendar/events/new\?date="))
    now = datetime.now(UTC).astimezone(TEHRAN)
    jy, jm, jd = from_gregorian(now.date())
    form = page.get_by_test_id("event-form")
    form.get_by_label("عنوان").fill(TITLE)
    form.get_by_label("تاریخ").fill(f"{jy:04d}/{jm:02d}/{jd:02d}")  # today, as the clicked day (unless midnight passed)
    form.get_by_label("ساعت").fill(f"{now.hour:02d}:{now.minute:02d}")
    form.get_by_label("زمان یادآوری").select_option("0")
    form.get_by_label("پیامک").check()
    form.get_by_label("پیام در پرتال").check()
    screens.take(page, "event-form")
    form.get_by_role("button", name="افزودن به تقویم").click()

    expect(page).to_have_url(re.compile(r"/calendar\?year=\d+&month=\d+$"))
    expect(page.get_by_text("رویداد به تقویم اضافه شد.")).to_be_visible()
    expect(page.get_by_test_id("calendar").get_by_role("link", name=TITLE)).to_be_visible()
    screens.take(page, "calendar-with-event")

    deadline = time.monotonic() + REMINDER_WAIT
    while not _reminders(portal, mobile):
        assert time.monotonic() < deadline, "the reminder never reached the sandbox SMS inbox"
        time.sleep(1)
    [text] = _reminders(portal, mobile)
    assert "یادآوری" in text

    page.goto("/messages")
    expect(page.get_by_role("heading", name=re.compile(f"یادآوری رویداد: {TITLE}"))).to_be_visible()
    screens.take(page, "reminder-message")
    assert len(_reminders(portal, mobile)) == 1  # a later pass of the scheduler sends nothing again
