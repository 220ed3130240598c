"""The calendar's pages render from the real month view: Saturday-first, Fridays and holidays marked,
today highlighted, a day's events and runs on it, a click on a day adds an event; the event form keeps
what was typed and shows Persian errors."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import jinja2
import pytest

from kook.application.calendar.ports import RunOnCalendar
from kook.application.calendar.show_month import CalendarDay, MonthView
from kook.domain.calendar.event import Event
from kook.domain.calendar.month import Month
from kook.domain.recharges.schedule import persian_weekday
from tests.unit import test_templates_render as shared

AT = datetime(2026, 3, 22, 6, 0, tzinfo=UTC)  # 1405/01/02 09:30 Tehran
EVENT = Event(id="e" * 32, user_id="u" * 32, title="دیدار <نوروزی>", text="", at=AT, created_at=AT, updated_at=AT)


def month_view() -> MonthView:
    month = Month(1405, 1)
    days = [
        CalendarDay(
            date=day,
            day=i + 1,
            weekday=persian_weekday(day),
            is_today=i == 9,
            is_friday=persian_weekday(day) == 6,
            holidays=["نوروز"] if i < 4 else [],
            events=[EVENT] if i == 1 else [],
            runs=[RunOnCalendar("r" * 32, "حقوق", AT, "scheduled")] if i == 1 else [],
        )
        for i, day in enumerate(month.days)
    ]
    return MonthView(month=month, leading_blanks=month.leading_blanks, days=days, today=date(2026, 3, 30))


CONTEXTS = {
    "calendar/month.html": shared.app_context(view=month_view(), feed_url="/calendar/feed/secret-token.ics"),
    "calendar/event_form.html": shared.app_context(
        event=None,
        values={"date": "1405/01/02", "time": "09:30"},
        errors={},
        choices=((10, "۱۰ دقیقه قبل"), (60, "یک ساعت قبل")),
    ),
    "messaging/admin_announce.html": {
        "csrf_token": shared.CSRF,
        "current_staff": shared.Staff(role="admin"),
        "flash": [],
        "values": {"title": "اطلاعیه", "body": "<p>متن</p>"},
        "errors": {"body": "این فیلد لازم است."},
        "form_error": None,
    },
}
shared.REALISTIC.update(CONTEXTS)


def test_the_month_is_saturday_first_with_holidays_today_events_and_runs(env: jinja2.Environment) -> None:
    html = env.get_template("calendar/month.html").render(**CONTEXTS["calendar/month.html"])
    assert "فروردین ۱۴۰۵" in html
    heads = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', html)
    assert heads[0] == "شنبه" and heads[-1] == "جمعه"
    first_row = html.split("<tbody>")[1].split("</tr>")[0]
    # 1 Farvardin 1405 is Saturday 21 March 2026: no empty cell before it
    assert first_row.count("kook-calendar-blank") == 0 and 'data-day="1"' in first_row
    assert 'data-day="1" data-holiday="true"' in html.replace(' aria-current="date"', "")
    assert re.search(r'class="kook-calendar-day kook-holiday" data-day="7"', html)  # a Friday
    assert re.search(r'kook-today" data-day="10" aria-current="date"', html)
    assert "دیدار &lt;نوروزی&gt;" in html and f'href="/calendar/events/{"e" * 32}"' in html
    assert f'href="/requests/{"r" * 32}"' in html and "اجرای «حقوق»" in html
    assert 'href="/calendar/events/new?date=1405/01/05"' in html
    assert 'href="/calendar?year=1404&amp;month=12"' in html or 'href="/calendar?year=1404&month=12"' in html
    assert "/calendar/feed/secret-token.ics" in html


def test_the_event_form_keeps_values_and_shows_errors(env: jinja2.Environment) -> None:
    context = dict(CONTEXTS["calendar/event_form.html"])
    context["values"] = {"title": "جلسه", "date": "1405/13/01", "remind_minutes": "60", "remind_sms": "on"}
    context["errors"] = {"date": "تاریخ معتبر نیست."}
    html = env.get_template("calendar/event_form.html").render(**context)
    assert 'action="/calendar/events"' in html
    assert 'value="جلسه"' in html and 'value="1405/13/01"' in html
    assert "تاریخ معتبر نیست." in html and 'aria-invalid="true"' in html
    assert '<option value="60" selected>' in html
    assert 'id="f-remind-sms" name="remind_sms" value="on" checked' in html
    assert 'id="f-remind-message" name="remind_message" value="on">' in html


@pytest.fixture
def env() -> jinja2.Environment:
    return shared.make_env()


def test_the_announcement_form_keeps_the_typed_body_escaped(env: jinja2.Environment) -> None:
    html = env.get_template("messaging/admin_announce.html").render(**CONTEXTS["messaging/admin_announce.html"])
    assert 'action="/admin/announcements"' in html and "&lt;p&gt;متن&lt;/p&gt;" in html
    assert "این فیلد لازم است." in html and 'data-menu="announcements"' in html
