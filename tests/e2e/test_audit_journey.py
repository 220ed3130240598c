"""The back office's audit log on a 1366-pixel laptop screen: the admin saves an
operator's route (a wide before / after) and adds and deletes a prefix with a long
note; the log fits the page, names every action in Persian and shows each state as a
short «label: value» list."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from kook.entrypoints.http.messages import AUDIT_ACTIONS
from tests.e2e.conftest import Portal, Screens

DEMO_ADMIN = ("09120000000", "kook-admin-1405")
LAPTOP = {"width": 1366, "height": 768}
NOTE = "پیش‌شمارهٔ آزمایشی برای بررسی گزارش ممیزی؛ یادداشتی بلند که باید در ستون خود بشکند و جدول را پهن نکند " * 2


def test_the_audit_log_fits_a_laptop_screen_in_persian(browser: Browser, portal: Portal, screens: Screens) -> None:
    context = browser.new_context(base_url=portal.url, viewport=LAPTOP, locale="fa-IR")  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        page.goto("/admin/login")
        page.get_by_label("شماره موبایل").fill(DEMO_ADMIN[0])
        page.get_by_label("کلمه عبور").fill(DEMO_ADMIN[1])
        page.locator("form").get_by_role("button").last.click()
        expect(page).to_have_url(re.compile(r"/admin/?$"))

        page.goto("/admin/catalog/routes/1/edit")  # saved as it is: every setting lands in the log
        page.get_by_role("button", name="ذخیرهٔ مسیر").click()
        expect(page.get_by_text("تنظیمات مسیر اپراتور ذخیره شد.")).to_be_visible()

        page.goto("/admin/prefixes")
        page.get_by_label("پیش‌شماره", exact=True).fill("۰۹۹۸۷")
        page.locator("#f-operator").select_option("5")
        page.get_by_label("توضیح").fill(NOTE[:200])
        page.get_by_role("button", name="افزودن").click()
        expect(page.get_by_text("پیش‌شماره اضافه شد.")).to_be_visible()
        page.locator('tr[data-prefix="09987"]').get_by_role("button", name=re.compile("حذف")).click()
        expect(page.get_by_text("پیش‌شماره حذف شد.")).to_be_visible()

        page.goto("/admin/audit")
        table = page.get_by_test_id("audit-log")
        expect(table.locator('td[data-action="route.update"]').first).to_have_text("تغییر تنظیمات مسیر اپراتور")
        expect(table.locator('td[data-action="prefix.delete"]').first).to_have_text("حذف پیش‌شماره")
        screens.take(page, "audit-1366")

        sizes = page.evaluate(
            """() => {
                const wrapper = document.querySelector('[data-testid="audit-log"]').parentElement;
                const root = document.documentElement;
                return {
                    wrapper: [wrapper.scrollWidth, wrapper.clientWidth],
                    page: [root.scrollWidth, root.clientWidth],
                };
            }"""
        )
        assert sizes["wrapper"][0] <= sizes["wrapper"][1], sizes  # nothing clipped or scrolled sideways
        assert sizes["page"][0] <= sizes["page"][1], sizes

        shown = table.inner_text()
        assert not [code for code in AUDIT_ACTIONS if code in shown]  # no English action code
        assert "پس از" in shown and "نشانی ارائه‌دهنده" in shown and "کد اپراتورها نزد ارائه‌دهنده" in shown
        assert "{" not in shown and "'" not in shown and "True" not in shown  # no dict printed as it is
        after = table.locator('td[data-action="route.update"]').first.locator("xpath=..").locator("td").nth(5)
        expect(after.locator("li")).not_to_have_count(0)
        subject = table.locator('td[data-action="prefix.delete"]').first.locator("xpath=..").locator("td").nth(3)
        shown_id = subject.locator("bdi.kook-id")
        expect(shown_id).to_have_attribute("dir", "ltr")
        assert re.fullmatch(r"[0-9a-f]{1,8}…?", shown_id.inner_text())  # Latin digits, short
        assert (shown_id.get_attribute("title") or "").startswith(shown_id.inner_text().rstrip("…"))
    finally:
        context.close()
