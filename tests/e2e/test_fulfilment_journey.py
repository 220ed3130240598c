"""A confirmed top-up request carried out in the embedded portal: the in-process worker tops up the
lines through the simulated operator, the request page's progress updates itself (htmx polling) until
«انجام شده با خطا», and the failed line's money is back in the wallet — every rial accounted for.

The simulator fails a number ending ``0000`` definitely; the other two lines succeed. The wallet is
funded through the sandbox gateway with exactly the request's total and the money given back is spent
on a second request, so the demo customer's available balance ends where it was (other journeys read it)."""

from __future__ import annotations

import re
import shutil
import subprocess

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Screens
from tests.e2e.test_requests_journey import _available, _fa, _pay
from tests.e2e.test_wallet_journey import DEMO_ADMIN, DEMO_CUSTOMER, _log_in

SUCCEEDING = [("09121237781", 200_000), ("09351237782", 300_000)]
FAILING = ("09191230000", 400_000)  # ends 0000: the simulator refuses it (invalid_number)
REUSE = "09121237783"  # the second request, spending the money given back
TOTAL = sum(amount for _, amount in SUCCEEDING) + FAILING[1]
SPENT = sum(amount for _, amount in SUCCEEDING)
FINISHED = 30_000  # ms: the embedded worker runs the request in the background


def test_a_confirmed_request_runs_to_completed_with_failures(page: Page, screens: Screens) -> None:
    _log_in(page, "/login", *DEMO_CUSTOMER)
    expect(page).not_to_have_url(re.compile(r"/login"))
    before = _available(page)
    _pay(page, TOTAL)
    funded = _available(page)
    assert funded == before + TOTAL

    page.goto("/requests")
    form = page.get_by_test_id("new-request-form")
    form.get_by_label("نام درخواست").fill("شارژ پایان آذر")
    form.get_by_label("شارژ", exact=True).check()
    form.get_by_role("button", name="تایید").click()
    expect(page).to_have_url(re.compile(r"/requests/[0-9a-f]{32}$"))
    request_url = page.url
    request_id = request_url.rsplit("/", 1)[1]

    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    assert token
    for mobile, amount in [*SUCCEEDING, FAILING]:
        added = page.request.post(
            f"/api/v1/requests/{request_id}/lines",
            data={"mobile": mobile, "amount": amount},
            headers={"x-csrftoken": token},
        )
        assert added.status == 201, added.text()
    page.goto(request_url)
    expect(page.get_by_test_id("lines-table").locator("tbody tr")).to_have_count(3)
    expect(page.get_by_test_id("progress-slot")).to_have_count(0)  # a draft has no progress yet

    page.get_by_test_id("open-summary").click()
    summary = page.get_by_test_id("dialog-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_test_id("summary-total")).to_contain_text(_fa(TOTAL))
    summary.get_by_role("button", name="تایید", exact=True).click()
    expect(page.get_by_text("درخواست تایید شد")).to_be_visible()

    # the progress fragment loads into the page and polls itself until the request is finished
    progress = page.get_by_test_id("request-progress")
    expect(progress).to_be_visible()
    screens.take(page, "progress-live")
    page.evaluate("window.kookSamePage = true")  # gone if the page were reloaded
    expect(progress).to_have_attribute("data-status", "completed_with_failures", timeout=FINISHED)
    # the whole page follows the progress without a reload: the heading's badge, the lines' statuses and
    # the header's action (nothing left to cancel)
    heading_badge = page.get_by_test_id("request-status").locator("[data-status]")
    expect(heading_badge).to_have_attribute("data-status", "completed_with_failures")
    expect(heading_badge).to_have_text("انجام شده با خطا")
    rows = page.get_by_test_id("lines-table").locator("tbody tr")
    expect(rows.filter(has_text="در حال ارسال")).to_have_count(0)
    expect(rows.filter(has_text="در انتظار")).to_have_count(0)
    expect(rows.filter(has_text=_fa_mobile(FAILING[0])).locator('[data-status="failed"]')).to_have_text("ناموفق")
    for mobile, _ in SUCCEEDING:
        expect(rows.filter(has_text=_fa_mobile(mobile)).locator('[data-status="succeeded"]')).to_have_text("موفق")
    expect(page.get_by_role("button", name="لغو درخواست")).to_have_count(0)
    assert page.evaluate("window.kookSamePage") is True
    expect(progress).not_to_have_attribute("hx-trigger", re.compile("every"))
    expect(progress.locator('[data-count="succeeded"]')).to_have_text("۲")
    expect(progress.locator('[data-count="failed"]')).to_have_text("۱")
    expect(progress.locator('[data-count="unknown"]')).to_have_text("۰")
    expect(progress.get_by_test_id("progress-finished")).to_contain_text("درخواست با خطا انجام شد")
    expect(progress.get_by_test_id("progress-refunded")).to_contain_text(_fa(FAILING[1]))
    expect(progress.locator('[data-money="settled"]')).to_contain_text(_fa(SPENT))
    expect(progress.locator('[data-money="held"]')).to_have_text("۰ ریال")
    expect(progress.locator('[data-status="completed_with_failures"]')).to_contain_text("انجام شده با خطا")
    screens.take(page, "progress-finished")

    # the finished request offers its invoice: a PDF whose Persian text reads back, with only what was delivered
    with page.expect_download() as download_info:
        page.get_by_test_id("invoice-link").click()
    invoice = download_info.value
    assert re.fullmatch(r"invoice-\d{4}-\d{6}\.pdf", invoice.suggested_filename)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", invoice.path(), "-"], capture_output=True, text=True, check=True).stdout
        assert "صورتحساب فروش" in text and "مشخصات خریدار" in text
        assert "۵۰۰٬۰۰۰" in text and "پانصد هزار ریال" in text  # 200,000 + 300,000 delivered
        assert "۴۰۰٬۰۰۰" not in text  # the failed line was refunded: not sold

    # every rial accounted for: only the succeeded lines were spent
    assert _available(page) == funded - SPENT
    screens.take(page, "wallet-after")

    # the money given back is spendable: a second request uses exactly it, so the journey leaves the
    # available balance where it found it (other journeys read it)
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    assert token
    headers = {"x-csrftoken": token}
    again = page.request.post("/api/v1/requests", data={"name": "شارژ دوباره", "kind": "topup"}, headers=headers)
    assert again.status == 201, again.text()
    again_id = again.json()["id"]
    line = page.request.post(
        f"/api/v1/requests/{again_id}/lines", data={"mobile": REUSE, "amount": FAILING[1]}, headers=headers
    )
    assert line.status == 201, line.text()
    confirmed = page.request.post(f"/api/v1/requests/{again_id}/confirm", headers=headers)
    assert confirmed.status == 200, confirmed.text()
    assert _available(page) == before

    # finance's queue in the back office (nothing unknown here: the simulator answered every line)
    page.locator("header").get_by_role("button", name="خروج", exact=True).click()
    _log_in(page, "/admin/login", *DEMO_ADMIN)
    page.goto("/admin/lines")
    expect(page.get_by_role("heading", name="تراکنش‌های نامشخص")).to_be_visible()
    expect(page.get_by_test_id("unknown-lines").locator(f'tr:has-text("{_fa_mobile(FAILING[0])}")')).to_have_count(0)
    screens.take(page, "finance-unknown-lines")


def _fa_mobile(mobile: str) -> str:
    return mobile.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
