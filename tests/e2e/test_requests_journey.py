"""A bulk top-up in the browser, as the manual's section 5 tells it: a new request,
the sample sheet downloaded, a sheet with one bad row uploaded through the upload
dialog, the bad row (shown first) fixed in place, the summary read in the «تایید
نهایی» dialog, the request confirmed and the wallet's available balance down by the
total.

The wallet is funded through the sandbox gateway with exactly the request's total, so
the demo customer's balance is where it was when the journey ends (other journeys
read it). After confirmation the embedded worker may already be topping up the
lines: the checks hold whether the money is still held or already spent."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import openpyxl  # type: ignore[import-untyped, unused-ignore]
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Screens
from tests.e2e.test_wallet_journey import DEMO_CUSTOMER, _log_in

GOOD_ROWS = [("09121234567", 300_000), ("09351234567", "400,000"), ("09191234567", 500_000)]
BAD_ROW = ("09121115555", "12a")
FIXED_AMOUNT = 350_000
TOTAL = 300_000 + 400_000 + 500_000 + FIXED_AMOUNT
_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


def _rials(text: str) -> int:
    digits = re.sub(r"\D", "", text.translate(_LATIN))
    assert digits, text
    return int(digits)


def _fa(number: int) -> str:
    return f"{number:,}".replace(",", "٬").translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def _available(page: Page) -> int:
    page.goto("/wallet")
    return _rials(page.get_by_test_id("page-wallet-available").inner_text())


def _sheet() -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["شماره موبایل", "مبلغ"])
    ws.append(list(GOOD_ROWS[0]))
    ws.append(list(BAD_ROW))
    for row in GOOD_ROWS[1:]:
        ws.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _pay(page: Page, amount: int) -> None:
    page.goto("/wallet")
    page.locator("#f-amount").fill(str(amount))
    page.get_by_role("button", name="پرداخت", exact=True).click()
    expect(page).to_have_url(re.compile(r"/sandbox/gateway/"))
    page.get_by_role("button", name="پرداخت", exact=True).click()
    expect(page.get_by_test_id("payment-result")).to_have_text("پرداخت با موفقیت انجام شد")


def test_build_fix_and_confirm_a_top_up_request(page: Page, screens: Screens, tmp_path: Path) -> None:
    _log_in(page, "/login", *DEMO_CUSTOMER)
    expect(page).not_to_have_url(re.compile(r"/login"))
    before = _available(page)
    _pay(page, TOTAL)
    funded = _available(page)
    assert funded == before + TOTAL

    # a new request from «شارژ و بسته»
    page.goto("/requests")
    form = page.get_by_test_id("new-request-form")
    form.get_by_label("نام درخواست").fill("شارژ کارکنان آذر")
    form.get_by_label("شارژ", exact=True).check()
    form.get_by_role("button", name="تایید").click()
    expect(page).to_have_url(re.compile(r"/requests/[0-9a-f]{32}$"))
    expect(page.get_by_role("heading", name=re.compile("شارژ کارکنان آذر"))).to_be_visible()
    screens.take(page, "new-request")

    # the sample sheet downloads and is a real workbook
    with page.expect_download() as download_info:
        page.get_by_test_id("sample-topup").click()
    download = download_info.value
    assert download.suggested_filename == "topup.xlsx"
    sample_path = tmp_path / "topup.xlsx"
    download.save_as(sample_path)
    assert sample_path.read_bytes()[:2] == b"PK"
    sample = openpyxl.load_workbook(sample_path)
    header = [str(cell.value or "") for cell in sample.worksheets[0][1]]
    assert any("موبایل" in cell for cell in header) and any("مبلغ" in cell for cell in header), header

    # the upload dialog: group top-up, the sheet, «تایید»
    page.get_by_test_id("open-upload").click()
    dialog = page.get_by_test_id("dialog-upload")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("شارژ گروهی")).to_be_checked()
    expect(dialog.get_by_label("اپراتور", exact=True)).to_be_hidden()  # the package pickers are for packages only
    dialog.get_by_label("بسته اینترنت گروهی").check()
    expect(dialog.get_by_label("اپراتور", exact=True)).to_be_visible()
    packages = dialog.locator("#u-package-code")
    expect(packages.locator('option[value="MCI-7D-2GB"]')).to_have_count(1)  # every operator's, grouped
    dialog.get_by_label("اپراتور", exact=True).select_option(label="ایرانسل")  # htmx swaps in that operator's
    expect(packages.locator('option[value="MCI-7D-2GB"]')).to_have_count(0)
    expect(packages.locator('option[value="MTN-1D-2GB"]')).to_have_count(1)
    dialog.get_by_label("شارژ گروهی").check()
    dialog.locator("#u-file").set_input_files(
        {"name": "staff.xlsx", "mimeType": "application/octet-stream", "buffer": _sheet()}
    )
    screens.take(page, "upload-dialog", full_page=False)
    dialog.get_by_role("button", name="تایید").click()

    result = page.get_by_test_id("upload-result")
    expect(result).to_be_visible()
    expect(page.get_by_test_id("upload-valid")).to_have_text("۳")
    expect(page.get_by_test_id("upload-invalid")).to_have_text("۱")
    expect(page.get_by_test_id("errors-link")).to_have_attribute("href", re.compile(r"/errors\.xlsx$"))
    rows = page.get_by_test_id("lines-table").locator("tbody tr")
    expect(rows).to_have_count(4)
    first = rows.first
    expect(first).to_have_class(re.compile("table-danger"))
    expect(first).to_contain_text("۰۹۱۲۱۱۱۵۵۵۵")  # the bad row, first
    expect(first.get_by_test_id("line-error")).to_contain_text("مبلغ")
    card = page.locator("#summary-card")
    expect(card.get_by_test_id("summary-invalid")).to_have_text("۱")
    screens.take(page, "uploaded-with-one-bad-row")

    # fix the bad row in place (htmx): the row becomes a form, saving checks it again
    uploaded_url = page.url
    line_id = first.get_attribute("data-line")
    first.get_by_role("link", name="ویرایش").click()
    editor = page.get_by_test_id("line-edit")
    expect(editor).to_be_visible()
    assert page.url == uploaded_url  # no navigation: the row was swapped in place
    editor.get_by_label("مبلغ شارژ (ریال)").fill(_fa(FIXED_AMOUNT))
    screens.take(page, "editing-the-row", full_page=False)
    editor.get_by_role("button", name="ذخیره").click()
    expect(page.get_by_test_id("line-edit")).to_have_count(0)
    fixed = page.locator(f'tr[data-line="{line_id}"]')
    expect(fixed.locator('[data-status="valid"]')).to_be_visible()
    expect(fixed).not_to_have_class(re.compile("table-danger"))
    expect(card.get_by_test_id("summary-invalid")).to_have_text("۰")  # the summary refreshed itself
    expect(card.get_by_test_id("summary-total")).to_contain_text(_fa(TOTAL))

    # the summary dialog and the final confirmation
    page.get_by_test_id("open-summary").click()
    summary = page.get_by_test_id("dialog-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_test_id("summary-lines")).to_have_text("۴")
    expect(summary.get_by_test_id("summary-total")).to_contain_text(_fa(TOTAL))
    expect(summary.get_by_test_id("summary-available")).to_contain_text(_fa(funded))
    expect(summary.get_by_test_id("summary-after")).to_contain_text(_fa(funded - TOTAL))
    expect(summary.get_by_test_id("summary-products")).to_contain_text("شارژ")
    expect(page.locator(".modal-backdrop.show")).to_have_count(1)
    screens.take(page, "summary-dialog", full_page=False)
    summary.get_by_role("button", name="تایید", exact=True).click()

    expect(page.get_by_text("درخواست تایید شد")).to_be_visible()
    badge = page.get_by_role("heading").locator("[data-status]")
    expect(badge).not_to_have_attribute("data-status", "draft")
    expect(page.get_by_test_id("request-actions")).to_have_count(0)  # no more edits once confirmed
    screens.take(page, "confirmed")

    # the wallet: available down by the total (held, or already spent by the worker)
    assert _available(page) == funded - TOTAL
    screens.take(page, "wallet-after")
