"""Events, the Jalali calendar and the private .ics feed through the real HTTP app, and event reminders
through the real use case and repositories, on SQLite and PostgreSQL: CRUD with field errors, each user's
events and feed private to them, Nowruz and Fridays marked, scheduled and repeating runs on their days, the
feed parsed back by icalendar and its secret rotated, and two schedulers racing over 1,000 due reminders
sending each exactly once."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest
import sqlalchemy as sa
from dishka import AsyncContainer, Provider, Scope, provide

from kook.adapters.postgres.engine import make_engine
from kook.adapters.postgres.tables.identity import users
from kook.adapters.postgres.tables.messaging import events, messages
from kook.adapters.postgres.tables.requests import requests
from kook.application.calendar.ports import UpcomingRuns
from kook.application.calendar.send_due_reminders import SendDueReminders
from kook.application.shared.ports import Clock, SmsSender
from kook.domain.recharges.schedule import Every, Repeat
from kook.domain.shared.jalali import TEHRAN, from_gregorian, to_gregorian
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import Settings
from tests.fakes.clock import FakeClock
from tests.fakes.sms import FakeSms
from tests.integration.helpers import Client
from tests.integration.test_customers_api import customer_session, use


def jalali_text(moment: datetime) -> str:
    jy, jm, jd = from_gregorian(moment.astimezone(TEHRAN).date())
    return f"{jy:04d}/{jm:02d}/{jd:02d}"


def in_days(days: int) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


async def test_events_are_created_edited_deleted_and_private(client: Client) -> None:
    alice = await customer_session(client, "09121234567")
    bob = await customer_session(client, "09351234567")
    headers = use(client, alice)
    day = jalali_text(in_days(10))
    response = await client.post(
        "/api/v1/events",
        json={"title": "جلسهٔ حسابداری", "text": "صورت‌حساب آذر", "date": day, "time": "۱۴:۳۰",
              "remind_minutes": 60, "remind_sms": True},
        headers=headers,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    event = response.json()
    assert (event["title"], event["time"], event["date"]) == ("جلسهٔ حسابداری", "14:30", day.replace("/", "-"))
    assert event["reminder"]["minutes"] == 60 and event["reminder"]["sms"] and not event["reminder"]["message"]
    at = datetime.fromisoformat(event["at"])
    assert datetime.fromisoformat(event["reminder"]["at"]) == at - timedelta(hours=1)

    bad = await client.post(
        "/api/v1/events",
        json={"title": " ", "date": "1405/13/40", "time": "25:00", "remind_minutes": 10},
        headers=headers,
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "validation_error" and bad.json()["message"]
    assert {name: field["code"] for name, field in bad.json()["details"]["fields"].items()} == {
        "title": "required",
        "date": "date_invalid",
        "time": "time_invalid",
        "remind_minutes": "reminder_channel_required",
    }

    edited = await client.patch(f"/api/v1/events/{event['id']}", json={"title": "جلسهٔ مالی"}, headers=headers)
    assert edited.status_code == 200, edited.text
    assert (edited.json()["title"], edited.json()["time"]) == ("جلسهٔ مالی", "14:30")  # the rest kept
    unknown = await client.patch(f"/api/v1/events/{event['id']}", json={"colour": "red"}, headers=headers)
    assert unknown.json()["details"]["fields"]["colour"]["code"] == "unknown_field"
    listed = await client.get("/api/v1/events", params={"from": jalali_text(in_days(0)), "to": day})
    assert [e["id"] for e in listed.json()["items"]] == [event["id"]]

    bob_headers = use(client, bob)
    assert (await client.get("/api/v1/events", params={"from": jalali_text(in_days(0)), "to": day})).json()[
        "items"
    ] == []
    assert (await client.get(f"/api/v1/events/{event['id']}")).status_code == 404
    assert (await client.patch(f"/api/v1/events/{event['id']}", json={"title": "x"}, headers=bob_headers)).json()[
        "code"
    ] == "not_found"
    assert (await client.delete(f"/api/v1/events/{event['id']}", headers=bob_headers)).status_code == 404

    headers = use(client, alice)
    assert (await client.get(f"/api/v1/events/{event['id']}")).json()["title"] == "جلسهٔ مالی"
    assert (await client.delete(f"/api/v1/events/{event['id']}", headers=headers)).status_code == 204
    assert (await client.get(f"/api/v1/events/{event['id']}")).status_code == 404
    client.cookies.clear()
    assert (await client.get("/api/v1/events")).status_code == 401


async def test_the_month_is_saturday_first_with_fridays_holidays_and_events(client: Client) -> None:
    headers = use(client, await customer_session(client))
    created = await client.post(
        "/api/v1/events", json={"title": "سفر نوروزی", "date": "1406/01/03", "time": "08:00"}, headers=headers
    )
    assert created.status_code == 201, created.text
    response = await client.get("/api/v1/calendar", params={"year": "1406", "month": "1"})
    assert response.status_code == 200, response.text
    month = response.json()
    assert (month["year"], month["month"], len(month["days"])) == (1406, 1, 31)
    first = month["days"][0]
    # 1 Farvardin 1406 is Sunday 21 March 2027: one empty cell (Saturday) before it
    assert (first["date"], first["gregorian"], first["weekday"], month["leading_blanks"]) == (
        "1406-01-01", "2027-03-21", 1, 1,
    )  # fmt: skip
    nowruz = [d["day"] for d in month["days"] if any("نوروز" in name for name in d["holidays"])]
    assert nowruz[:4] == [1, 2, 3, 4]
    fridays = [d["day"] for d in month["days"] if d["is_friday"]]
    assert fridays == [6, 13, 20, 27] and all(d["is_holiday"] for d in month["days"] if d["is_friday"])
    assert [e["title"] for e in month["days"][2]["events"]] == ["سفر نوروزی"]
    assert (month["previous"], month["next"]) == ({"year": 1405, "month": 12}, {"year": 1406, "month": 2})
    assert sum(d["is_today"] for d in month["days"]) == 0

    today = (await client.get("/api/v1/calendar")).json()
    assert sum(d["is_today"] for d in today["days"]) == 1
    now = await client.post("/api/v1/events", json={"title": "امروز", "date": jalali_text(in_days(0))}, headers=headers)
    listed = (await client.get("/api/v1/events")).json()["items"]  # no range: this Tehran month
    assert [e["id"] for e in listed] == [now.json()["id"]]
    backwards = await client.get("/api/v1/events", params={"from": "1406/01/10", "to": "1406/01/01"})
    assert backwards.status_code == 422 and "to" in backwards.json()["details"]["fields"]
    for params, field in (({"year": "1406", "month": "13"}, "month"), ({"year": "x", "month": "1"}, "year")):
        bad = await client.get("/api/v1/calendar", params=params)
        assert bad.status_code == 422 and field in bad.json()["details"]["fields"]


async def test_the_feed_is_icalendar_private_and_rotatable(client: Client) -> None:
    alice = await customer_session(client, "09121234567")
    headers = use(client, alice)
    await client.post(
        "/api/v1/events", json={"title": "تمدید قرارداد", "date": jalali_text(in_days(3))}, headers=headers
    )
    url = (await client.get("/api/v1/calendar/feed")).json()["url"]
    assert (await client.get("/api/v1/calendar/feed")).json()["url"] == url  # the same until rotated
    path = url[url.index("/calendar/feed/") :]

    bob = await customer_session(client, "09351234567")
    bob_headers = use(client, bob)
    await client.post(
        "/api/v1/events", json={"title": "رویداد باب", "date": jalali_text(in_days(3))}, headers=bob_headers
    )
    bob_path = (await client.get("/api/v1/calendar/feed")).json()["url"]
    assert bob_path.split("/")[-1] != path.split("/")[-1]

    client.cookies.clear()  # a phone calendar has no session: the secret is the key
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    summaries = [str(component["summary"]) for component in parsed.walk("VEVENT")]
    assert summaries == ["تمدید قرارداد"]

    headers = use(client, alice)
    rotated = await client.post("/api/v1/calendar/feed/rotate", headers=headers)
    assert rotated.status_code == 200 and rotated.json()["url"] != url
    client.cookies.clear()
    assert (await client.get(path)).status_code == 404
    assert (
        await client.get(rotated.json()["url"][rotated.json()["url"].index("/calendar/feed/") :])
    ).status_code == 200
    assert (await client.get("/calendar/feed/not-a-token.ics")).status_code == 404


async def test_scheduled_and_repeating_runs_are_on_their_days(settings: Settings) -> None:
    container = make_http_container(settings)
    engine = make_engine(settings.database_url)
    now = datetime.now(UTC)
    once_at = datetime.combine(to_gregorian(1406, 2, 10), datetime.min.time(), tzinfo=TEHRAN).replace(hour=9)
    rule = Repeat(every=Every.WEEKLY, weekdays=(0,), count=3)  # Saturdays 09:00, three runs
    first = datetime.combine(to_gregorian(1406, 2, 4), datetime.min.time(), tzinfo=TEHRAN).replace(hour=9)
    base = {
        "customer_id": "c" * 32, "kind": "topup", "created_at": now, "updated_at": now,
        "schedule_at": None, "next_run_at": None, "repeat": None, "runs_started": 0,
    }  # fmt: skip
    try:
        async with engine.begin() as conn:
            await conn.execute(
                requests.insert(),
                [
                    {**base, "id": "a" * 32, "name": "یکباره", "status": "scheduled", "schedule_at": once_at,
                     "next_run_at": once_at},
                    {**base, "id": "b" * 32, "name": "هفتگی", "status": "scheduled",
                     "repeat": json.dumps(rule.to_json()), "next_run_at": first, "runs_started": 0},
                    {**base, "id": "d" * 32, "name": "لغوشده", "status": "cancelled", "schedule_at": once_at},
                    {**base, "id": "e" * 32, "customer_id": "f" * 32, "name": "دیگری", "status": "scheduled",
                     "schedule_at": once_at, "next_run_at": once_at},
                ],
            )  # fmt: skip
        async with container() as scope:
            runs = await (await scope.get(UpcomingRuns)).between(
                "c" * 32,
                datetime.combine(to_gregorian(1406, 2, 1), datetime.min.time(), tzinfo=TEHRAN),
                datetime.combine(to_gregorian(1406, 3, 1), datetime.min.time(), tzinfo=TEHRAN),
            )
        assert [(r.name, from_gregorian(r.at.astimezone(TEHRAN).date())) for r in runs] == [
            ("هفتگی", (1406, 2, 4)),
            ("یکباره", (1406, 2, 10)),
            ("هفتگی", (1406, 2, 11)),
            ("هفتگی", (1406, 2, 18)),
        ]  # the fourth Saturday is past the repeat's count; the cancelled and the other customer's are not shown
    finally:
        await container.close()
        await engine.dispose()


# --------------------------------------------------------------------------- reminders


class Reminders:
    def __init__(self, settings: Settings, clock: FakeClock, sms: FakeSms) -> None:
        self.settings, self.clock, self.sms = settings, clock, sms

    def container(self) -> AsyncContainer:
        clock, sms = self.clock, self.sms

        class Overrides(Provider):
            scope = Scope.APP

            @provide(override=True)
            def clock(self) -> Clock:
                return clock

            @provide(override=True)
            def sms(self) -> SmsSender:
                return sms

        return make_http_container(self.settings, Overrides())

    async def send(self, container: AsyncContainer) -> int:
        async with container() as scope:
            return await (await scope.get(SendDueReminders))()


@pytest.fixture
async def reminders(settings: Settings) -> AsyncIterator[Reminders]:
    yield Reminders(settings, FakeClock(datetime(2026, 12, 1, 6, 0, tzinfo=UTC)), FakeSms())


async def _users_with_events(settings: Settings, count: int, at: datetime) -> None:
    engine = make_engine(settings.database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                users.insert(),
                [{"id": f"u{i:031d}", "mobile": f"0912{i:07d}", "first_name": "ع", "last_name": "ر",
                  "password_hash": "x", "status": "active", "created_at": at} for i in range(count // 10)],
            )  # fmt: skip
            await conn.execute(
                events.insert(),
                [{"id": f"e{i:031d}", "user_id": f"u{i % (count // 10):031d}", "title": f"رویداد {i}", "text": "",
                  "at": at + timedelta(minutes=30), "created_at": at, "updated_at": at, "remind_minutes": 30,
                  "remind_message": True, "remind_sms": True, "remind_at": at} for i in range(count)],
            )  # fmt: skip
    finally:
        await engine.dispose()


async def _count(settings: Settings, query: Any) -> int:
    engine = make_engine(settings.database_url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())
    finally:
        await engine.dispose()


async def test_two_schedulers_racing_over_1000_due_reminders_send_each_once(
    backend: str, settings: Settings, reminders: Reminders
) -> None:
    count = 1000 if backend == "postgres" else 200
    await _users_with_events(settings, count, reminders.clock.now() - timedelta(minutes=1))
    first, second = reminders.container(), reminders.container()
    try:
        sent = await asyncio.gather(reminders.send(first), reminders.send(second))
        assert sum(sent) == count
        assert await reminders.send(first) == 0  # a restarted scheduler finds nothing left
    finally:
        await first.close()
        await second.close()
    assert len(reminders.sms.sent) == count
    assert len({sms.text for sms in reminders.sms.sent}) == count  # each event's text once
    kinds = sa.select(sa.func.count()).select_from(messages).where(messages.c.kind == "event_reminder")
    assert await _count(settings, kinds) == count
    unclaimed = sa.select(sa.func.count()).select_from(events).where(events.c.reminded_at.is_(None))
    assert await _count(settings, unclaimed) == 0


async def test_a_reminder_waits_for_its_time_and_an_edit_arms_it_again(client: Client, settings: Settings) -> None:
    headers = use(client, await customer_session(client))
    day = jalali_text(in_days(2))
    created = await client.post(
        "/api/v1/events",
        json={"title": "پرداخت قبض", "date": day, "time": "10:00", "remind_minutes": 30, "remind_message": True},
        headers=headers,
    )
    event_id = created.json()["id"]
    at = datetime.fromisoformat(created.json()["at"])
    clock, sms = FakeClock(at - timedelta(minutes=31)), FakeSms()
    world = Reminders(settings, clock, sms)
    container = world.container()
    try:
        assert await world.send(container) == 0  # not yet
        clock.advance(minutes=1)
        assert await world.send(container) == 1
        assert await world.send(container) == 0
    finally:
        await container.close()
    inbox = (await client.get("/api/v1/messages")).json()
    assert [m["title"] for m in inbox["items"]] == ["یادآوری رویداد: پرداخت قبض"]
    assert sms.sent == []  # only a portal message was asked for
    shown = (await client.get(f"/api/v1/events/{event_id}")).json()
    assert shown["reminder"]["sent_at"] is not None

    moved = await client.patch(f"/api/v1/events/{event_id}", json={"time": "11:00"}, headers=headers)
    assert moved.json()["reminder"]["sent_at"] is None  # a new time: reminded again, once
    renamed = await client.patch(f"/api/v1/events/{event_id}", json={"title": "قبض برق"}, headers=headers)
    assert renamed.json()["reminder"]["sent_at"] is None
