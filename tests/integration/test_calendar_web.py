"""The calendar pages through the real app: the month with today and Nowruz, a day's link adding an event
there, the form's Persian errors with what was typed kept, editing and deleting, and the feed rotated."""

from __future__ import annotations

import re

from tests.integration.helpers import Client
from tests.integration.test_customers_api import customer_session, use


def token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


async def test_add_edit_and_delete_an_event_from_the_calendar(client: Client) -> None:
    use(client, await customer_session(client))
    page = await client.get("/calendar", params={"year": "1406", "month": "1"})
    assert page.status_code == 200
    assert "فروردین ۱۴۰۶" in page.text and 'data-holiday="true"' in page.text
    assert 'href="/calendar/events/new?date=1406/01/05"' in page.text
    form = await client.get("/calendar/events/new", params={"date": "1406/01/05"})
    assert 'value="1406/01/05"' in form.text
    csrf = token(form.text)

    bad = await client.post(
        "/calendar/events",
        data={"csrf_token": csrf, "title": "دیدار", "date": "1406/01/05", "time": "۲۵:۰۰", "remind_minutes": "60"},
    )
    assert bad.status_code == 422
    assert "ساعت معتبر نیست" in bad.text and "پیام در پرتال یا پیامک" in bad.text and 'value="دیدار"' in bad.text

    made = await client.post(
        "/calendar/events",
        data={"csrf_token": csrf, "title": "دیدار نوروزی", "date": "1406/01/05", "time": "۱۰:۰۰",
              "remind_minutes": "60", "remind_sms": "on"},
        follow_redirects=False,
    )  # fmt: skip
    assert made.status_code in (302, 303) and made.headers["location"] == "/calendar?year=1406&month=1"
    month = await client.get("/calendar", params={"year": "1406", "month": "1"})
    assert "دیدار نوروزی" in month.text and "رویداد به تقویم اضافه شد" in month.text
    event_id = re.search(r'href="/calendar/events/([0-9a-f]{32})"', month.text)
    assert event_id
    edit = await client.get(f"/calendar/events/{event_id.group(1)}")
    assert 'value="10:00"' in edit.text and '<option value="60" selected>' in edit.text
    saved = await client.post(
        f"/calendar/events/{event_id.group(1)}",
        data={"csrf_token": csrf, "title": "دیدار عید", "date": "1406/01/06", "time": "11:00"},
        follow_redirects=False,
    )
    assert saved.status_code in (302, 303)
    api = (await client.get(f"/api/v1/events/{event_id.group(1)}")).json()
    assert (api["title"], api["date"], api["time"], api["reminder"]) == ("دیدار عید", "1406-01-06", "11:00", None)
    gone = await client.post(
        f"/calendar/events/{event_id.group(1)}/delete", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert gone.status_code in (302, 303)
    assert (await client.get(f"/api/v1/events/{event_id.group(1)}")).status_code == 404


async def test_the_feed_address_is_shown_and_rotated(client: Client) -> None:
    use(client, await customer_session(client))
    page = await client.get("/calendar")
    assert 'aria-current="date"' in page.text  # today
    shown = re.search(r'value="(http[^"]+/calendar/feed/[^"]+\.ics)"', page.text)
    assert shown
    rotated = await client.post("/calendar/feed-rotate", data={"csrf_token": token(page.text)})
    assert rotated.status_code == 200
    again = re.search(r'value="(http[^"]+/calendar/feed/[^"]+\.ics)"', rotated.text)
    assert again and again.group(1) != shown.group(1)
    client.cookies.clear()
    assert (await client.get("/calendar", follow_redirects=False)).status_code in (302, 303)
