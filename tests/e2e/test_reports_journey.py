"""ریز تراکنش from a finished request to the accountant's files, in the embedded portal: a request runs to
completed, the transaction report filtered (its request, then an operator, kept in the address) shows its
line and totals, the Excel download of the same filter opens with openpyxl with the same row (amount a
number, Jalali date, right-to-left, frozen header), and the request's invoice reads back as Persian text.

The wallet is funded with exactly the request's total and every line succeeds, so the demo customer's
available balance ends where it was (other journeys read it)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import openpyxl
from playwright.sync_api import Page, expect

from kook.domain.routing.operator import Operator
from tests.e2e.conftest import Screens
from tests.e2e.test_requests_journey import _available, _fa, _pay
from tests.e2e.test_wallet_journey import DEMO_CUSTOMER, _log_in

LINES = [("09121237791", 200_000), ("09351237792", 300_000)]  # MCI, Irancell
TOTAL = sum(amount for _, amount in LINES)
FINISHED = 30_000  # ms: the embedded worker runs the request in the background


def _fa_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def test_a_finished_request_in_the_report_its_excel_file_and_its_invoice(page: Page, screens: Screens) -> None:
    _log_in(page, "/login", *DEMO_CUSTOMER)
    expect(page).not_to_have_url(re.compile(r"/login"))
    before = _available(page)
    _pay(page, TOTAL)

    page.goto("/requests")
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    assert token
    headers = {"x-csrftoken": token}
    made = page.request.post("/api/v1/requests", data={"name": "شارژ گزارش آذر", "kind": "topup"}, headers=headers)
    assert made.status == 201, made.text()
    request_id = made.json()["id"]
    for mobile, amount in LINES:
        added = page.request.post(
            f"/api/v1/requests/{request_id}/lines", data={"mobile": mobile, "amount": amount}, headers=headers
        )
        assert added.status == 201, added.text()
    confirmed = page.request.post(f"/api/v1/requests/{request_id}/confirm", headers=headers)
    assert confirmed.status == 200, confirmed.text()
    page.goto(f"/requests/{request_id}")
    expect(page.get_by_test_id("request-progress")).to_have_attribute("data-status", "completed", timeout=FINISHED)

    # the report of this request (the filter lives in the address), then narrowed to Irancell with the form
    page.goto(f"/reports/transactions?request_id={request_id}")
    table = page.get_by_test_id("report-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    totals = page.get_by_test_id("report-totals")
    expect(totals.locator('[data-total="count"]')).to_have_text("۲")
    expect(totals.locator('[data-total="amount"]')).to_contain_text(_fa(TOTAL))
    page.locator("#f-operator").select_option(value=str(int(Operator.IRANCELL)))
    page.get_by_test_id("report-filter").locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(rf"request_id={request_id}"))
    expect(page).to_have_url(re.compile(r"operator=2"))
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(_fa_digits(LINES[1][0]))
    expect(rows.first).to_contain_text("موفق")
    expect(totals.locator('[data-total="count"]')).to_have_text("۱")
    expect(totals.locator('[data-total="succeeded"]')).to_contain_text(_fa(LINES[1][1]))
    expect(totals.locator('[data-total="refunded"]')).to_contain_text("۰")
    screens.take(page, "report-filtered")

    # the same filter as an Excel file: the row on screen, the amount a number, a Jalali date
    with page.expect_download() as download_info:
        page.get_by_test_id("report-export").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    sheet = book["ریز تراکنش"]
    assert sheet.sheet_view.rightToLeft and sheet.freeze_panes == "A2"
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:4] == ["تاریخ", "ساعت", "درخواست", "شماره موبایل"]
    assert len(values) == 2
    day, clock, name, mobile, operator, product, _package, amount, status = values[1][:9]
    assert re.fullmatch(r"14\d\d/\d\d/\d\d", day) and re.fullmatch(r"\d\d:\d\d", clock)
    assert (name, mobile, operator, product, status) == (
        "شارژ گزارش آذر",
        LINES[1][0],
        Operator.IRANCELL.name_fa,
        "شارژ",
        "موفق",
    )
    assert amount == LINES[1][1] and isinstance(amount, int)

    # the request's invoice: its Persian text reads back, both lines sold
    page.goto(f"/requests/{request_id}")
    with page.expect_download() as download_info:
        page.get_by_test_id("invoice-link").click()
    invoice = download_info.value
    assert re.fullmatch(r"invoice-\d{4}-\d{6}\.pdf", invoice.suggested_filename)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", invoice.path(), "-"], capture_output=True, text=True, check=True).stdout
        assert "صورتحساب فروش" in text and "مشخصات خریدار" in text
        assert _fa(TOTAL) in text and "پانصد هزار ریال" in text

    assert _available(page) == before  # funded with exactly what was spent
