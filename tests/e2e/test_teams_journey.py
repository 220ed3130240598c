"""Teams and approvals in the browser (issue 18): the owner invites an approver and an operator from «اعضا»
and sets an approval threshold; each colleague signs up with their own mobile and SMS code and accepts; the
operator builds a request above the threshold, cannot confirm it alone and sends it for approval; the approver
sees the summary and confirms with the one-time code texted to them; the operator is told.

The demo customer is shared with the other journeys: the wallet is funded with exactly the request's total
first, and the threshold is turned off again at the end, whatever happens."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO

import openpyxl  # type: ignore[import-untyped, unused-ignore]
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DESKTOP, Portal, Screens, watch_csp
from tests.e2e.test_requests_journey import _pay
from tests.e2e.test_wallet_journey import DEMO_CUSTOMER, _log_in

APPROVER = "09125550101"
OPERATOR = "09125550102"
PASSWORD = "Team-e2e-pass1"
ROWS = [("09121234567", 600_000), ("09351234567", 500_000), ("09191234567", 400_000)]
TOTAL = sum(amount for _, amount in ROWS)
THRESHOLD = 1_000_000
_FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@contextmanager
def person(browser: Browser, portal: Portal) -> Iterator[Page]:
    """Another person's browser (own cookies), checked for CSP violations like ``page``."""
    context = browser.new_context(base_url=portal.url, viewport=DESKTOP, locale="fa-IR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations = watch_csp(page)
    try:
        yield page
    finally:
        context.close()
    assert not violations, "blocked by the Content-Security-Policy:\n" + "\n".join(violations)


def sign_up_and_accept(page: Page, portal: Portal, mobile: str, role_fa: str) -> None:
    page.goto("/signup")
    page.get_by_label("شماره موبایل").fill(mobile)
    page.get_by_label("نام", exact=True).fill("همکار")
    page.get_by_label("نام خانوادگی").fill("آزمایشی")
    page.get_by_label("کلمه عبور").fill(PASSWORD)
    page.get_by_role("button", name="ثبت نام").click()
    expect(page).to_have_url(re.compile(r"/signup/verify"))
    page.get_by_label("کد تأیید").fill(portal.latest_code(mobile))
    page.get_by_role("button", name="تأیید").click()
    expect(page).not_to_have_url(re.compile(r"/signup"))
    page.goto("/invitation")
    expect(page.get_by_test_id("invitation")).to_contain_text(role_fa)
    page.get_by_role("button", name="پذیرفتن دعوت").click()
    expect(page.get_by_text("به حساب سازمانی پیوستید.")).to_be_visible()


def invite(page: Page, mobile: str, role_fa: str) -> None:
    form = page.get_by_test_id("invite-form")
    form.get_by_label("شماره موبایل همکار").fill(mobile)
    form.get_by_label("نقش").select_option(label=role_fa)
    form.get_by_role("button", name="دعوت و ارسال پیامک").click()
    expect(page.get_by_text("دعوت پیامک شد.")).to_be_visible()


def set_threshold(page: Page, threshold: str, operator_alone: bool) -> None:
    page.goto("/members")
    box = page.get_by_test_id("approval-policy")
    box.get_by_label("حد تأیید (ریال)").fill(threshold)
    box.get_by_label(re.compile("کارشناس ثبت درخواست")).set_checked(operator_alone)
    box.get_by_role("button", name="ذخیره").click()
    expect(page.get_by_text("قواعد تأیید درخواست‌ها ذخیره شد.")).to_be_visible()


def sheet() -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["شماره موبایل", "مبلغ"])
    for row in ROWS:
        ws.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_owner_invites_an_approver_operator_builds_approver_confirms_with_the_code(
    page: Page, browser: Browser, portal: Portal, screens: Screens
) -> None:
    _log_in(page, "/login", *DEMO_CUSTOMER)
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.get_by_role("link", name="اعضا").first.click()
    expect(page.get_by_role("heading", name="اعضا")).to_be_visible()
    invite(page, APPROVER, "تأییدکننده")
    invite(page, OPERATOR, "کارشناس ثبت درخواست")
    expect(page.get_by_test_id("invitations")).to_contain_text(APPROVER.translate(_FA))
    try:
        set_threshold(page, f"{THRESHOLD}", operator_alone=True)
        screens.take(page, "members-and-policy")
        _pay(page, TOTAL)
        with person(browser, portal) as approver, person(browser, portal) as operator:
            sign_up_and_accept(approver, portal, APPROVER, "تأییدکننده")
            sign_up_and_accept(operator, portal, OPERATOR, "کارشناس ثبت درخواست")

            # the operator builds a large request and cannot confirm it alone
            operator.goto("/requests")
            form = operator.get_by_test_id("new-request-form")
            form.get_by_label("نام درخواست").fill("پاداش پایان سال")
            form.get_by_label("شارژ", exact=True).check()
            form.get_by_role("button", name="تایید").click()
            expect(operator).to_have_url(re.compile(r"/requests/[0-9a-f]{32}$"))
            request_url = operator.url
            operator.get_by_test_id("open-upload").click()
            dialog = operator.get_by_test_id("dialog-upload")
            dialog.locator("#u-file").set_input_files(
                {"name": "bonus.xlsx", "mimeType": "application/octet-stream", "buffer": sheet()}
            )
            dialog.get_by_role("button", name="تایید").click()
            expect(operator.get_by_test_id("upload-valid")).to_have_text("۳")
            operator.get_by_test_id("open-summary").click()
            summary = operator.get_by_test_id("dialog-summary")
            expect(summary.get_by_test_id("summary-lines")).to_have_text("۳")
            summary.get_by_role("button", name="تایید", exact=True).click()
            expect(operator.get_by_text("باید پیش از ثبت نهایی به تأیید عضو دیگری").first).to_be_visible()
            operator.goto(request_url)
            operator.get_by_test_id("approval-submit").click()
            expect(operator.get_by_text("درخواست برای تأیید فرستاده شد")).to_be_visible()
            expect(operator.get_by_test_id("approval-waiting")).to_be_visible()
            screens.take(operator, "operator-waits-for-approval")

            # the approver is told, reads the summary and confirms with the texted code
            approver.goto("/messages")
            expect(approver.get_by_role("heading", name=re.compile("منتظر تأیید شماست"))).to_be_visible()
            approver.goto(request_url)
            expect(approver.get_by_test_id("approval-box")).to_contain_text(
                f"{TOTAL:,}".replace(",", "٬").translate(_FA)
            )
            signup_code = portal.sms_codes(APPROVER)[0]
            approver.get_by_test_id("approval-send-code").click()
            expect(approver.get_by_text("کد تأیید به موبایل شما پیامک شد.")).to_be_visible()
            code = portal.latest_code(APPROVER, newer_than=signup_code)
            screens.take(approver, "approver-with-code")
            approver.get_by_label("کد تأیید پیامک‌شده").fill(code)
            approver.get_by_role("button", name="تأیید و ثبت نهایی").click()
            expect(approver.get_by_text("درخواست تأیید و ثبت نهایی شد")).to_be_visible()
            badge = approver.get_by_role("heading").locator("[data-status]")
            expect(badge).not_to_have_attribute("data-status", "draft")

            # the maker is told
            operator.goto("/messages")
            expect(operator.get_by_role("heading", name=re.compile("پاداش پایان سال» تأیید شد"))).to_be_visible()
            screens.take(operator, "operator-told")
    finally:
        set_threshold(page, "", operator_alone=False)
