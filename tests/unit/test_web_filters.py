"""Jinja filters of the Persian web portal: digits, money, Jalali dates, badges."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, timedelta, timezone

import jinja2
import pytest
from markupsafe import Markup

from kook.entrypoints.http.web.filters import (
    STATUS_BADGES,
    bank_name,
    fa_digits,
    fa_number,
    jalali_date,
    jalali_datetime,
    register_filters,
    rials,
    short_id,
    status_badge,
    status_label,
    toman,
)

SEP = "\u066c"  # ٬
DEC = "\u066b"  # ٫


class TestFaDigits:
    def test_int(self) -> None:
        assert fa_digits(1234567890) == "۱۲۳۴۵۶۷۸۹۰"

    def test_str_keeps_other_characters(self) -> None:
        assert fa_digits("09121234567") == "۰۹۱۲۱۲۳۴۵۶۷"
        assert fa_digits("کد 42-ب") == "کد ۴۲-ب"

    def test_arabic_indic_digits_become_persian(self) -> None:
        assert fa_digits("٠١٢٣٤٥٦٧٨٩") == "۰۱۲۳۴۵۶۷۸۹"

    def test_none_is_empty(self) -> None:
        assert fa_digits(None) == ""

    def test_persian_digits_unchanged(self) -> None:
        assert fa_digits("۱۲۳") == "۱۲۳"


class TestFaNumber:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (0, "۰"),
            (7, "۷"),
            (999, "۹۹۹"),
            (1000, f"۱{SEP}۰۰۰"),
            (1250000, f"۱{SEP}۲۵۰{SEP}۰۰۰"),
            (-45000, f"-۴۵{SEP}۰۰۰"),
        ],
    )
    def test_grouping(self, value: int, expected: str) -> None:
        assert fa_number(value) == expected

    def test_none(self) -> None:
        assert fa_number(None) == "—"


class TestRials:
    def test_example_from_the_brief(self) -> None:
        assert rials(1250000) == "۱٬۲۵۰٬۰۰۰ ریال"

    def test_uses_arabic_thousands_separator(self) -> None:
        assert SEP in rials(500_000_000)
        assert "," not in rials(500_000_000)
        assert rials(500_000_000) == f"۵۰۰{SEP}۰۰۰{SEP}۰۰۰ ریال"

    def test_small_and_zero(self) -> None:
        assert rials(0) == "۰ ریال"
        assert rials(200) == "۲۰۰ ریال"

    def test_negative_has_leading_minus(self) -> None:
        assert rials(-1250000) == f"-۱{SEP}۲۵۰{SEP}۰۰۰ ریال"

    def test_none(self) -> None:
        assert rials(None) == "—"

    def test_no_latin_digits(self) -> None:
        assert not any(ch.isascii() and ch.isdigit() for ch in rials(9876543210))


class TestToman:
    def test_multiple_of_ten(self) -> None:
        assert toman(1250000) == f"۱۲۵{SEP}۰۰۰ تومان"
        assert toman(200_000) == f"۲۰{SEP}۰۰۰ تومان"

    def test_not_a_multiple_of_ten_shows_one_decimal(self) -> None:
        assert toman(1250005) == f"۱۲۵{SEP}۰۰۰{DEC}۵ تومان"
        assert toman(5) == f"۰{DEC}۵ تومان"

    def test_negative(self) -> None:
        assert toman(-1255) == f"-۱۲۵{DEC}۵ تومان"
        assert toman(-10) == "-۱ تومان"

    def test_zero_and_none(self) -> None:
        assert toman(0) == "۰ تومان"
        assert toman(None) == "—"


class TestJalaliDatetime:
    def test_utc_to_tehran(self) -> None:
        # 2026-05-22 06:50 UTC is 10:20 in Tehran (UTC+03:30), 1 Khordad 1405.
        value = datetime(2026, 5, 22, 6, 50, tzinfo=UTC)
        assert jalali_datetime(value) == "۱۴۰۵/۰۳/۰۱ ۱۰:۲۰"

    def test_naive_is_treated_as_utc(self) -> None:
        assert jalali_datetime(datetime(2026, 5, 22, 6, 50)) == "۱۴۰۵/۰۳/۰۱ ۱۰:۲۰"

    def test_other_timezone_is_converted(self) -> None:
        plus_two = timezone(timedelta(hours=2))
        value = datetime(2026, 5, 22, 8, 50, tzinfo=plus_two)
        assert jalali_datetime(value) == "۱۴۰۵/۰۳/۰۱ ۱۰:۲۰"

    def test_crosses_midnight_into_the_next_tehran_day(self) -> None:
        # 21:00 UTC on 21 May 2026 is 00:30 on 22 May in Tehran.
        value = datetime(2026, 5, 21, 21, 0, tzinfo=UTC)
        assert jalali_datetime(value) == "۱۴۰۵/۰۳/۰۱ ۰۰:۳۰"

    def test_nowruz(self) -> None:
        # 2026-03-21 is 1 Farvardin 1405; noon UTC is 15:30 Tehran.
        assert jalali_datetime(datetime(2026, 3, 21, 12, 0, tzinfo=UTC)) == "۱۴۰۵/۰۱/۰۱ ۱۵:۳۰"

    def test_none(self) -> None:
        assert jalali_datetime(None) == "—"


class TestJalaliDate:
    def test_date(self) -> None:
        assert jalali_date(date(2026, 5, 22)) == "۱۴۰۵/۰۳/۰۱"
        assert jalali_date(date(2026, 5, 21)) == "۱۴۰۵/۰۲/۳۱"

    def test_datetime_uses_tehran_day(self) -> None:
        assert jalali_date(datetime(2026, 5, 21, 21, 0, tzinfo=UTC)) == "۱۴۰۵/۰۳/۰۱"
        assert jalali_date(datetime(2026, 5, 21, 20, 0)) == "۱۴۰۵/۰۲/۳۱"

    def test_none(self) -> None:
        assert jalali_date(None) == "—"


class TestStatusBadge:
    @pytest.mark.parametrize(
        ("status", "word"),
        [
            ("draft", "پیش‌نویس"),
            ("submitted", "در انتظار بررسی"),
            ("approved", "تأیید شده"),
            ("rejected", "رد شده"),
            ("confirmed", "تأیید شده"),
            ("scheduled", "زمان‌بندی شده"),
            ("running", "در حال انجام"),
            ("succeeded", "موفق"),
            ("failed", "ناموفق"),
            ("unknown", "نامشخص"),
            ("cancelled", "لغو شده"),
            ("pending", "در انتظار"),
            ("active", "فعال"),
            ("revoked", "باطل شده"),
            ("finished", "پایان یافته"),
            ("completed", "انجام شده"),
            ("completed_with_failures", "انجام شده با خطا"),
            ("sending", "در حال ارسال"),
        ],
    )
    def test_known_statuses(self, status: str, word: str) -> None:
        badge = status_badge(status)
        assert isinstance(badge, Markup)
        assert f">{word}</span>" in badge
        assert 'class="badge' in badge
        assert status_label(status) == word

    def test_all_known_statuses_are_covered(self) -> None:
        assert set(STATUS_BADGES) == {
            "draft",
            "submitted",
            "approved",
            "rejected",
            "confirmed",
            "scheduled",
            "running",
            "succeeded",
            "failed",
            "unknown",
            "cancelled",
            "pending",
            "active",
            "revoked",
            "finished",
            # online payments
            "verified",
            "expired",
            "reversed",
            # fulfilment
            "completed",
            "completed_with_failures",
            "sending",
            # runs of a repeating request
            "paused",
            "not_funded",
            "skipped",
            # webhook deliveries
            "delivered",
        }

    def test_colours(self) -> None:
        assert "text-bg-success" in status_badge("succeeded")
        assert "text-bg-danger" in status_badge("failed")
        assert "text-bg-warning" in status_badge("unknown")

    def test_unknown_status_is_escaped(self) -> None:
        badge = status_badge('<script>alert("x")</script>')
        assert "<script>" not in badge
        assert "&lt;script&gt;" in badge
        assert status_label("weird") == "weird"

    def test_enum_value(self) -> None:
        class Status(enum.Enum):
            RUNNING = "running"

        assert "در حال انجام" in status_badge(Status.RUNNING)

    def test_in_autoescaped_template_not_double_escaped(self) -> None:
        env = jinja2.Environment(autoescape=True)
        register_filters(env)
        html = env.from_string("{{ s|status_badge }}").render(s="succeeded")
        assert html.startswith("<span ")
        assert "موفق" in html


def test_register_filters_adds_all_names() -> None:
    env = jinja2.Environment(autoescape=True)
    register_filters(env)
    for name in (
        "fa_digits",
        "fa_number",
        "rials",
        "toman",
        "jalali_datetime",
        "jalali_date",
        "status_badge",
        "status_label",
    ):
        assert name in env.filters
    rendered = env.from_string("{{ 1250000|rials }} / {{ 1250000|toman }}").render()
    assert rendered == f"۱{SEP}۲۵۰{SEP}۰۰۰ ریال / ۱۲۵{SEP}۰۰۰ تومان"


class TestBankName:
    @pytest.mark.parametrize(
        ("key", "shown"),
        [("mellat", "ملت"), ("saman", "سامان"), ("melli", "ملی"), ("mellat_2", "ملت"), ("unknown", "unknown")],
    )
    def test_persian_name_of_a_bank_code(self, key: str, shown: str) -> None:
        assert bank_name(key) == shown

    def test_none(self) -> None:
        assert bank_name(None) == "—"


class TestShortId:
    def test_left_to_right_latin_shortened_with_the_whole_id_in_the_title(self) -> None:
        ident = "ac92e01f5b7c4d3e9f0a1b2c3d4e5f60"
        html = str(short_id(ident))
        assert 'dir="ltr"' in html and f'title="{ident}"' in html and ">ac92e01f…<" in html
        assert not any(ch in html for ch in "۰۱۲۳۴۵۶۷۸۹")

    def test_short_ones_whole_and_escaped(self) -> None:
        assert ">42<" in str(short_id(42))
        assert "&lt;b&gt;" in str(short_id("<b>"))
        assert str(short_id(None)) == "—"
