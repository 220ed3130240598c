"""An owner makes an API key with chosen scopes on the profile page (shown once), opens the webhooks page and
the integration guide — all under the portal's Content-Security-Policy."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Screens
from tests.e2e.test_wallet_journey import DEMO_CUSTOMER, _log_in


def test_an_owner_makes_a_scoped_key_and_reads_the_guide(page: Page, screens: Screens) -> None:
    _log_in(page, "/login", *DEMO_CUSTOMER)
    page.wait_for_url(re.compile(r"/$|/dashboard"))
    page.goto("/profile")
    page.get_by_label("نام کلید جدید").fill("سامانه حسابداری")
    page.locator('input[name="scopes"][value="wallet:read"]').uncheck()
    page.get_by_role("button", name="ساخت کلید جدید").click()
    secret = page.get_by_test_id("new-api-key")
    expect(secret).to_contain_text("kook_")
    screens.take(page, "api-key-made")
    expect(page.locator("table").first).to_contain_text("requests:write")

    page.goto("/webhooks")
    expect(page.get_by_role("heading", name="وب‌هوک‌ها")).to_be_visible()
    expect(page.locator('input[name="events"]')).to_have_count(3)
    screens.take(page, "webhooks")

    page.goto("/docs/integration")
    expect(page.get_by_test_id("guide-curl")).to_contain_text("/api/v1/requests")
    expect(page.get_by_test_id("guide-verify")).to_contain_text("hmac.compare_digest")
    screens.take(page, "guide")
