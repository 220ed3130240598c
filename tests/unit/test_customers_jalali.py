"""The domain's own Jalali arithmetic (stdlib only) against the ``jdatetime`` library.

jdatetime uses the 33-year arithmetic rule; the domain uses the break-year
(jalaali) algorithm. They agree from 1800 to 2255 CE (Jalali 1178–1633),
which covers every birth date, deposit and schedule the portal will see.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import jdatetime
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kook.domain.shared.jalali import (
    JalaliDate,
    from_gregorian,
    is_leap_year,
    is_valid,
    month_length,
    parse_date,
    tehran_today,
    to_gregorian,
)

AGREED = st.dates(min_value=date(1800, 1, 1), max_value=date(2255, 12, 31))
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@given(day=AGREED)
def test_gregorian_to_jalali_agrees_with_jdatetime(day: date) -> None:
    expected = jdatetime.date.fromgregorian(date=day)
    assert from_gregorian(day) == (expected.year, expected.month, expected.day)


@given(day=AGREED)
def test_round_trip(day: date) -> None:
    assert to_gregorian(*from_gregorian(day)) == day
    assert JalaliDate.from_date(day).to_date() == day


@given(year=st.integers(min_value=1179, max_value=1633), month=st.integers(1, 12), data=st.data())
def test_jalali_to_gregorian_agrees_with_jdatetime(year: int, month: int, data: st.DataObject) -> None:
    day = data.draw(st.integers(1, month_length(year, month)))
    assert to_gregorian(year, month, day) == jdatetime.date(year, month, day).togregorian()


@given(year=st.integers(min_value=1179, max_value=1633))
def test_leap_years_agree_with_jdatetime(year: int) -> None:
    assert is_leap_year(year) == jdatetime.date(year, 1, 1).isleap()
    assert month_length(year, 12) == (30 if is_leap_year(year) else 29)


def test_known_days() -> None:
    assert from_gregorian(date(2026, 5, 22)) == (1405, 3, 1)
    assert from_gregorian(date(2025, 3, 20)) == (1403, 12, 30)  # 1403 is a leap year
    assert from_gregorian(date(2025, 3, 21)) == (1404, 1, 1)
    assert to_gregorian(1370, 5, 12) == date(1991, 8, 3)
    assert not is_valid(1404, 12, 30) and is_valid(1403, 12, 30)
    assert str(JalaliDate(1370, 5, 12)) == "1370/05/12"
    assert JalaliDate(1370, 5, 12).isoformat() == "1370-05-12"
    with pytest.raises(ValueError):
        JalaliDate(1404, 12, 30)
    with pytest.raises(ValueError):
        to_gregorian(1400, 13, 1)


@given(day=AGREED, sep=st.sampled_from(["-", "/", "."]), digits=st.sampled_from(["latin", "persian", "arabic"]))
def test_parse_date_reads_jalali_in_any_digits(day: date, sep: str, digits: str) -> None:
    y, m, d = from_gregorian(day)
    text = f"{y:04d}{sep}{m}{sep}{d:02d}"
    if digits == "persian":
        text = text.translate(PERSIAN)
    elif digits == "arabic":
        text = text.translate(ARABIC)
    assert parse_date(f" \u200f{text} ") == day


@given(day=st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 12, 31)))
def test_parse_date_reads_iso_gregorian(day: date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.isoformat().translate(PERSIAN)) == day


@pytest.mark.parametrize(
    "text", ["", "1370", "1370/13/01", "1404/12/30", "2025-02-29", "۱۳۷۰/۰۵", "13700512", "1370/05/12/1", "abcd/ef/gh"]
)
def test_parse_date_refuses_what_is_not_a_day(text: str) -> None:
    assert parse_date(text) is None


def test_tehran_today_changes_at_tehran_midnight() -> None:
    assert tehran_today(datetime(2026, 5, 21, 20, 29, tzinfo=UTC)) == date(2026, 5, 21)
    assert tehran_today(datetime(2026, 5, 21, 20, 31, tzinfo=UTC)) == date(2026, 5, 22)
