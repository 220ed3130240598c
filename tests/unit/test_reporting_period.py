"""The reports' shared period: Tehran's whole days typed in Jalali or ISO, both ends inclusive; the sales
summary's grouping (only succeeded lines are sales); the payment report's filter checks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kook.application.reporting.get_sales_summary import summarise
from kook.application.reporting.payment_filters import payment_filter
from kook.application.reporting.period import parse_period, staff_customer
from kook.application.reporting.ports import SalesCell, SalesFilter
from kook.domain.shared.errors import ValidationFailed


def period(start: str | None, end: str | None) -> tuple[datetime | None, datetime | None, dict[str, str]]:
    errors: dict[str, str] = {}
    begin, finish = parse_period(start, end, errors)
    return begin, finish, errors


def test_a_day_is_tehrans_whole_day() -> None:
    begin, finish, errors = period("۱۴۰۵/۰۹/۱۲", "2026-12-03")
    assert not errors
    assert begin == datetime(2026, 12, 2, 20, 30, tzinfo=UTC)  # 00:00 in Tehran
    assert finish == datetime(2026, 12, 3, 20, 30, tzinfo=UTC)  # after 23:59:59 in Tehran


def test_nowruz_and_leap_esfand() -> None:
    begin, finish, _ = period("1405/01/01", "1405/01/01")
    assert begin == datetime(2026, 3, 20, 20, 30, tzinfo=UTC) and finish == datetime(2026, 3, 21, 20, 30, tzinfo=UTC)
    begin, finish, errors = period("1403/12/30", "1403/12/30")  # 1403 is a leap year
    assert not errors and begin == datetime(2025, 3, 19, 20, 30, tzinfo=UTC)
    assert finish == datetime(2025, 3, 20, 20, 30, tzinfo=UTC)  # Nowruz 1404
    assert period("1404/12/30", None)[2] == {"from": "date_invalid"}  # 1404 is not


@pytest.mark.parametrize(
    ("start", "end", "errors"),
    [
        ("1405/13/01", None, {"from": "date_invalid"}),
        (None, "tomorrow", {"to": "date_invalid"}),
        ("1405/09/12", "1405/09/11", {"to": "before_start"}),
        ("1400/01/01", "1405/01/01", {"to": "range_too_long"}),
    ],
)
def test_bad_periods_name_the_field(start: str | None, end: str | None, errors: dict[str, str]) -> None:
    assert period(start, end)[2] == errors


def test_only_succeeded_lines_are_sales() -> None:
    summary = summarise(
        SalesFilter("c"),
        [
            SalesCell("package", "P2", "دو", 2, count=1, amount=50),
            SalesCell("airtime", None, None, 1, count=2, amount=300, failed_count=1, failed_amount=100),
            SalesCell("airtime", None, None, 2, count=1, amount=200, pending_count=1, pending_amount=70),
            SalesCell("package", "P1", "یک", 1, count=0, amount=0, failed_count=2, failed_amount=40),
        ],
    )
    assert [(g.key, g.count, g.amount) for g in summary.products] == [
        ("airtime", 3, 500),
        ("package:P1", 0, 0),
        ("package:P2", 1, 50),
    ]
    assert [(g.operator, g.count, g.amount, g.failed_amount) for g in summary.operators] == [
        (1, 2, 300, 140),
        (2, 2, 250, 0),
    ]
    assert (summary.total.count, summary.total.amount, summary.total.failed_amount) == (4, 550, 140)
    assert summary.total.pending_amount == 70 and not summary.empty


def test_payment_filter_checks_kind_status_and_customer() -> None:
    assert payment_filter("c", None, None, " Slip ", "APPROVED").kind == "slip"
    with pytest.raises(ValidationFailed) as refused:
        payment_filter("c", "1405/02/32", None, "cash", "paid")
    assert refused.value.fields == {"from": "date_invalid", "kind": "invalid", "status": "invalid"}
    with pytest.raises(ValidationFailed):
        payment_filter("c", None, None, "online", "approved")  # a payment is never "approved"
    assert staff_customer("  ") is None and staff_customer("ab12_cd") == "ab12_cd"
    for bad in ("x' or 1=1", "a" * 33, "مشتری"):
        with pytest.raises(ValidationFailed):
            staff_customer(bad)
