"""Calendar rules: an event typed in Jalali/Tehran time with field errors, a changed reminder armed again
once, the Jalali month Saturday-first, Iran's official holidays from python-holidays (solar and lunar,
1404–1406) and the feed written by icalendar and read back by it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest

from kook.adapters.calendar.ical_feed import IcalFeedWriter
from kook.adapters.calendar.iran_holidays import IranHolidays
from kook.application.calendar.ports import FeedItem
from kook.domain.calendar.event import Event, parse_event
from kook.domain.calendar.month import Month
from kook.domain.shared.errors import ValidationFailed
from kook.domain.shared.jalali import to_gregorian

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def details(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "title": "جلسه",
        "text": "",
        "date": "۱۴۰۵/۰۹/۲۰",
        "time_of_day": "۱۴:۳۰",
        "remind_minutes": None,
        "remind_message": False,
        "remind_sms": False,
        "now": NOW,
    }
    fields.update(changes)
    return fields


def test_an_event_is_read_as_jalali_date_and_tehran_time() -> None:
    parsed = parse_event(**details(remind_minutes="30", remind_sms=True))  # type: ignore[arg-type]
    assert parsed.at == datetime(2026, 12, 11, 11, 0, tzinfo=UTC)  # 14:30 Tehran (+03:30)
    assert parsed.remind_at == parsed.at - timedelta(minutes=30)
    assert (parsed.remind_sms, parsed.remind_message) == (True, False)
    assert parse_event(**details(time_of_day="")).at == datetime(2026, 12, 11, 5, 30, tzinfo=UTC)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"title": ""}, "title", "required"),
        ({"title": "ا" * 201}, "title", "too_long"),
        ({"title": "a\x00b"}, "title", "invalid"),
        ({"date": "1405/12/31"}, "date", "date_invalid"),  # 1405 is not a leap year
        ({"date": ""}, "date", "required"),
        ({"date": "1420/01/01"}, "date", "date_too_far"),
        ({"time_of_day": "24:00"}, "time", "time_invalid"),
        ({"remind_minutes": "-5"}, "remind_minutes", "invalid"),
        ({"remind_minutes": 60 * 24 * 31}, "remind_minutes", "invalid"),
        ({"remind_minutes": True, "remind_sms": True}, "remind_minutes", "invalid"),
        ({"remind_minutes": 10}, "remind_minutes", "reminder_channel_required"),
    ],
)
def test_bad_input_names_its_field(changes: dict[str, object], field: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        parse_event(**details(**changes))  # type: ignore[arg-type]
    assert raised.value.fields[field] == code


def test_channels_without_a_time_are_no_reminder() -> None:
    parsed = parse_event(**details(remind_sms=True))  # type: ignore[arg-type]
    assert (parsed.remind_at, parsed.remind_sms) == (None, False)


def test_a_changed_moment_or_reminder_is_armed_again_and_a_new_title_is_not() -> None:
    first = parse_event(**details(remind_minutes=30, remind_sms=True))  # type: ignore[arg-type]
    event = Event("e", "u", first.title, "", first.at, NOW, NOW, 30, False, True, first.remind_at, NOW)
    event.change(parse_event(**details(title="جلسهٔ دیگر", remind_minutes=30, remind_sms=True)), NOW)  # type: ignore[arg-type]
    assert event.reminded_at == NOW  # only the title changed: already reminded stays reminded
    event.change(parse_event(**details(time_of_day="15:00", remind_minutes=30, remind_sms=True)), NOW)  # type: ignore[arg-type]
    assert event.reminded_at is None and event.remind_at == event.at - timedelta(minutes=30)


def test_the_month_is_laid_out_saturday_first() -> None:
    esfand = Month(1403, 12)
    assert (esfand.length, esfand.first_day, esfand.leading_blanks) == (30, date(2025, 2, 19), 4)  # a Wednesday
    assert Month(1405, 12).length == 29
    assert (Month(1405, 1).previous, Month(1405, 12).next) == (Month(1404, 12), Month(1406, 1))
    with pytest.raises(ValueError):
        Month(1405, 13)


@pytest.mark.parametrize("year", [1404, 1405, 1406])
def test_iran_holidays_cover_nowruz_and_the_lunar_days(year: int) -> None:
    found = IranHolidays().between(to_gregorian(year, 1, 1), to_gregorian(year, 12, 29))
    for day in (1, 2, 3, 4, 12, 13):
        assert to_gregorian(year, 1, day) in found
    assert to_gregorian(year, 3, 14) in found and to_gregorian(year, 11, 22) in found
    names = " ".join(name for names in found.values() for name in names)
    for lunar in ("عاشورا", "تاسوعا", "فطر", "قربان"):
        assert lunar in names, (year, lunar)


def test_the_feed_is_icalendar_read_back_by_the_same_library() -> None:
    items = [
        FeedItem("event-1@kook", "جلسهٔ مالی", "صورت‌حساب, آذر; ۱۴۰۵", NOW, NOW),
        FeedItem("run-2@kook", "اجرای درخواست «حقوق»", "", NOW + timedelta(days=1), NOW),
    ]
    parsed = icalendar.Calendar.from_ical(IcalFeedWriter().write("تقویم کوک", items))
    assert str(parsed["x-wr-calname"]) == "تقویم کوک"
    events = list(parsed.walk("VEVENT"))
    assert [str(e["uid"]) for e in events] == ["event-1@kook", "run-2@kook"]
    assert str(events[0]["description"]) == "صورت‌حساب, آذر; ۱۴۰۵"
    assert events[1].decoded("dtstart") == NOW + timedelta(days=1)
