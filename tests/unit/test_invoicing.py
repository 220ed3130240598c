"""The invoice's arithmetic and words, and the monthly statement's months and balances (domain, no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kook.domain.invoicing.invoice import (
    SoldGroup,
    invoice_number_text,
    invoice_year,
    order_groups,
    split_vat,
)
from kook.domain.invoicing.statement import Balance, Movement, build_statement, month_bounds
from kook.domain.invoicing.words import MAX_AMOUNT, amount_in_words
from kook.domain.shared.errors import ValidationFailed
from kook.domain.shared.jalali import TEHRAN


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "صفر"),
        (1, "یک"),
        (10, "ده"),
        (11, "یازده"),
        (19, "نوزده"),
        (20, "بیست"),
        (21, "بیست و یک"),
        (100, "صد"),
        (101, "صد و یک"),
        (110, "صد و ده"),
        (200, "دویست"),
        (999, "نهصد و نود و نه"),
        (1000, "یک هزار"),
        (1001, "یک هزار و یک"),
        (12_000, "دوازده هزار"),
        (100_000, "صد هزار"),
        (1_000_000, "یک میلیون"),
        (1_200_000, "یک میلیون و دویست هزار"),
        (1_450_000, "یک میلیون و چهارصد و پنجاه هزار"),
        (2_000_005, "دو میلیون و پنج"),
        (1_000_000_000, "یک میلیارد"),
        (3_500_000_000, "سه میلیارد و پانصد میلیون"),
        (1_000_000_000_000, "یک تریلیون"),
        (-5, "منفی پنج"),
    ],
)
def test_amount_in_words(number: int, words: str) -> None:
    assert amount_in_words(number) == words


@given(st.integers(min_value=1, max_value=MAX_AMOUNT))
def test_amount_in_words_never_has_empty_parts(number: int) -> None:
    words = amount_in_words(number)
    assert words and "  " not in words and not words.startswith("و ") and not words.endswith(" و")
    assert "صفر" not in words


def test_amount_in_words_refuses_what_it_cannot_write() -> None:
    for bad in (MAX_AMOUNT + 1, 1.5, True):
        with pytest.raises(ValueError):
            amount_in_words(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("total", "percent", "net", "vat"),
    [
        (1_450_000, 10, 1_318_182, 131_818),  # 1,318,181.82 → 1,318,182
        (110, 10, 100, 10),
        (11, 10, 10, 1),
        (1, 10, 1, 0),  # 0.909 → 1: the rial stays in the net
        (21, 10, 19, 2),  # 19.09 → 19
        (1_000_000, 9, 917_431, 82_569),  # 917,431.19
        (500_000, 0, 500_000, 0),
        (0, 10, 0, 0),
        (105, 5, 100, 5),
        (3, 50, 2, 1),  # exactly 2.0
        (5, 100, 3, 2),  # 2.5 → 3: half rounds up
    ],
)
def test_split_vat_rounds_half_up_and_keeps_the_total(total: int, percent: int, net: int, vat: int) -> None:
    split = split_vat(total, percent)
    assert (split.net, split.vat, split.total, split.percent) == (net, vat, total, percent)


@given(st.integers(min_value=0, max_value=10**15), st.integers(min_value=0, max_value=100))
def test_split_vat_sums_to_the_total_within_half_a_rial(total: int, percent: int) -> None:
    split = split_vat(total, percent)
    assert split.net + split.vat == total
    assert split.net >= 0 and split.vat >= 0
    exact_net = total * 100 / (100 + percent)
    assert abs(split.net - exact_net) <= 0.5 + 1e-6 * max(1, total / 10**9)


def test_split_vat_refuses_bad_input() -> None:
    for total, percent in ((-1, 10), (10, -1), (10, 101)):
        with pytest.raises(ValueError):
            split_vat(total, percent)


def test_invoice_year_is_tehrans_jalali_year() -> None:
    # Nowruz 1405: 1405/01/01 00:00 Tehran is 2026-03-20 20:30 UTC
    assert invoice_year(datetime(2026, 3, 20, 20, 29, tzinfo=UTC)) == 1404
    assert invoice_year(datetime(2026, 3, 20, 20, 30, tzinfo=UTC)) == 1405
    assert invoice_number_text(1405, 42) == "1405-000042"
    assert invoice_number_text(1405, 1_234_567) == "1405-1234567"


def test_groups_are_ordered_top_ups_first() -> None:
    package = SoldGroup("package", 1, "MCI-1G", "یک گیگ", 350_000, 2)
    irancell = SoldGroup("airtime", 2, None, None, 200_000, 1)
    mci_big = SoldGroup("airtime", 1, None, None, 500_000, 1)
    mci = SoldGroup("airtime", 1, None, None, 200_000, 3)
    assert order_groups([package, irancell, mci_big, mci]) == [mci, mci_big, irancell, package]
    assert mci.amount == 600_000


def test_month_bounds_in_tehran() -> None:
    start, end = month_bounds(1405, 1)
    assert start == datetime(2026, 3, 21, tzinfo=TEHRAN)
    assert end == datetime(2026, 4, 21, tzinfo=TEHRAN)
    assert start.astimezone(UTC) == datetime(2026, 3, 20, 20, 30, tzinfo=UTC)
    # Esfand of a leap year has 30 days (1403), of a common year 29 (1404)
    start, end = month_bounds(1403, 12)
    assert (end - start) == timedelta(days=30)
    start, end = month_bounds(1404, 12)
    assert (end - start) == timedelta(days=29)
    assert end == month_bounds(1405, 1)[0]
    for year, month in ((1405, 0), (1405, 13), (999, 1)):
        with pytest.raises(ValidationFailed):
            month_bounds(year, month)


def test_statement_runs_the_balance_from_opening_to_closing() -> None:
    moment = datetime(2026, 12, 1, tzinfo=UTC)
    movements = [
        Movement("e1", "payment", "123", moment, 1_000_000, 0),
        Movement("e2", "hold", "request r1", moment, -600_000, 600_000),
        Movement("e3", "settle", "request r1", moment, 0, -400_000),
        Movement("e4", "release", "request r1", moment, 200_000, -200_000),
    ]
    statement = build_statement("c", 1405, 9, Balance(50_000, 0), movements)
    assert [r.balance for r in statement.rows] == [
        Balance(1_050_000, 0),
        Balance(450_000, 600_000),
        Balance(450_000, 200_000),
        Balance(650_000, 0),
    ]
    assert statement.closing == Balance(650_000, 0)
    assert (statement.credits, statement.debits) == (1_200_000, 600_000)
    assert (
        statement.opening.total + statement.credits - statement.debits + sum(m.held_change for m in movements)
        == statement.closing.total
    )


def test_seller_and_vat_settings_are_checked_at_start(tmp_path: object) -> None:
    from kook.entrypoints.ioc.providers_documents import invoice_policy
    from kook.entrypoints.settings import SettingsError, load_settings

    base = {"KOOK_DATA_DIR": str(tmp_path), "KOOK_ENV": "test"}
    settings = load_settings(base)
    assert settings.vat_percent == 10
    policy = invoice_policy(settings)
    assert policy.vat_percent == 10 and policy.seller.kind == "legal"
    assert policy.seller.national_id == "10101000001"
    custom = load_settings({**base, "KOOK_VAT_PERCENT": "9", "KOOK_SELLER_NAME": "شرکت نمونه"})
    assert (custom.vat_percent, invoice_policy(custom).seller.name) == (9, "شرکت نمونه")
    for name, value in (
        ("KOOK_VAT_PERCENT", "101"),
        ("KOOK_VAT_PERCENT", "-1"),
        ("KOOK_VAT_PERCENT", "9.5"),
        ("KOOK_SELLER_NATIONAL_ID", "10101000002"),  # wrong check digit
        ("KOOK_SELLER_ECONOMIC_CODE", "12"),
        ("KOOK_SELLER_POSTAL_CODE", "123"),
        ("KOOK_SELLER_PHONE", "09121234567"),  # a mobile, not a landline
        ("KOOK_SELLER_NAME", " "),
        ("KOOK_SELLER_ADDRESS", "کوتاه"),
    ):
        with pytest.raises(SettingsError, match=name):
            load_settings({**base, name: value})


def test_invoice_html_escapes_what_people_typed_and_fetches_nothing_outside() -> None:
    from kook.domain.invoicing.invoice import Invoice, IssuedNumber, Party
    from kook.entrypoints.http.documents import invoice_html

    finished = datetime(2026, 12, 3, 6, 30, tzinfo=UTC)
    invoice = Invoice(
        number=IssuedNumber("r1", "c1", 1405, 7, 10, finished),
        request_id="r1",
        request_name='<img src="http://evil.example/x.png">',
        date=finished,
        seller=Party("legal", "شرکت کوک", "10101000001", "411111111111", "123456", "تهران", "1415713111"),
        buyer=Party("natural", "علی رضایی", "0067749828", address="<b>تهران</b>"),
        groups=[SoldGroup("airtime", 1, None, None, 200_000, 3)],
        amounts=split_vat(600_000, 10),
    )
    html = invoice_html(invoice)
    assert "<img" not in html and "<b>" not in html
    assert "&lt;img" in html
    assert "۱۴۰۵-۰۰۰۰۰۷" in html and "۱۴۰۵/۰۹/۱۲" in html
    assert "ششصد هزار ریال" in html
    assert "کد ملی" in html and "کد اقتصادی" in html  # the seller is legal: it has one; the buyer a national code


class FakeBook:
    def __init__(self) -> None:
        from kook.application.reporting.ports import InvoicedRequest
        from kook.domain.invoicing.invoice import IssuedNumber

        finished = datetime(2026, 3, 20, 20, 29, tzinfo=UTC)  # 1404/12/29 23:59 Tehran: still 1404
        self.requests = {
            "done": InvoicedRequest("done", "c1", "شارژ", True, finished, 600_000),
            "failed": InvoicedRequest("failed", "c1", "شارژ", True, finished, 0),
            "running": InvoicedRequest("running", "c1", "شارژ", False, None, 200_000),
        }
        self.groups = {"done": [SoldGroup("airtime", 1, None, None, 200_000, 3)], "running": [], "failed": []}
        self.numbers: dict[str, IssuedNumber] = {}
        self.issues: list[tuple[str, int]] = []

    async def request(self, customer_id: str, request_id: str) -> object:
        found = self.requests.get(request_id)
        return found if found is not None and found.customer_id == customer_id else None

    async def sold_groups(self, request_id: str) -> list[SoldGroup]:
        return self.groups[request_id]

    async def buyer(self, customer_id: str) -> object:
        return None

    async def issued(self, request_id: str) -> object:
        return self.numbers.get(request_id)

    async def issue(self, request_id: str, customer_id: str, year: int, vat_percent: int, now: datetime) -> object:
        from kook.domain.invoicing.invoice import IssuedNumber

        self.issues.append((request_id, year))
        number = IssuedNumber(request_id, customer_id, year, len(self.numbers) + 1, vat_percent, now)
        self.numbers[request_id] = number
        return number


async def test_get_invoice_issues_once_and_refuses_what_is_not_invoiced() -> None:
    from kook.application.reporting.get_invoice import GetInvoice
    from kook.application.reporting.ports import InvoicePolicy
    from kook.domain.invoicing.invoice import Party
    from kook.domain.shared.errors import NotFound
    from tests.fakes.clock import FakeClock

    book = FakeBook()
    seller = Party("legal", "شرکت کوک", "10101000001")
    get = GetInvoice(book, InvoicePolicy(seller, 10), FakeClock())  # type: ignore[arg-type]
    for customer, request_id in (("c1", "running"), ("c1", "failed"), ("c2", "done"), ("c1", "missing")):
        with pytest.raises(NotFound):
            await get(customer, request_id)
    assert book.issues == []  # a refusal takes no number
    first = await get("c1", "done")
    assert (first.number.year, first.number.number, first.number.text) == (1404, 1, "1404-000001")
    assert (first.amounts.total, first.amounts.net, first.amounts.vat) == (600_000, 545_455, 54_545)
    assert first.buyer.name == "" and first.seller == seller
    # the rate changes later: the issued invoice keeps its own
    again = await GetInvoice(book, InvoicePolicy(seller, 9), FakeClock())(  # type: ignore[arg-type]
        "c1", "done"
    )
    assert again.number == first.number and again.amounts == first.amounts
    assert book.issues == [("done", 1404)]
