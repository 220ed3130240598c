"""JSON API: the customer's events, the Jalali month calendar and the private .ics feed
(API.md "Messages, events, calendar")."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from kook.application.calendar.create_event import CreateEvent
from kook.application.calendar.delete_event import DeleteEvent
from kook.application.calendar.get_event import GetEvent
from kook.application.calendar.list_events import ListEvents
from kook.application.calendar.ports import RunOnCalendar
from kook.application.calendar.serve_calendar_feed import ServeCalendarFeed
from kook.application.calendar.show_month import MonthView, ShowMonth
from kook.application.calendar.update_event import UpdateEvent
from kook.domain.calendar.event import Event
from kook.domain.recharges.schedule import at_tehran, parse_moment
from kook.domain.shared.errors import NotFound, ValidationFailed
from kook.domain.shared.jalali import TEHRAN, from_gregorian, parse_date
from kook.entrypoints.http.context import require_user, settings_of

Req = Request[Any, Any, Any]
EVENT_FIELDS = ("title", "text", "date", "time", "remind_minutes", "remind_message", "remind_sms")


def jalali(day: date) -> str:
    jy, jm, jd = from_gregorian(day)
    return f"{jy:04d}-{jm:02d}-{jd:02d}"


class ReminderOut(msgspec.Struct):
    minutes: int
    message: bool
    sms: bool
    at: datetime
    sent_at: datetime | None


class EventOut(msgspec.Struct):
    id: str
    title: str
    text: str
    date: str  # Jalali, Tehran day
    time: str  # HH:MM, Tehran
    at: datetime
    reminder: ReminderOut | None
    created_at: datetime
    updated_at: datetime


class EventList(msgspec.Struct):
    items: list[EventOut]
    next_cursor: str | None


class EventBody(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    date: str
    time: str | None = None
    text: str | None = None
    remind_minutes: int | None = None
    remind_message: bool = False
    remind_sms: bool = False


def event_out(event: Event) -> EventOut:
    local = event.at.astimezone(TEHRAN)
    reminder = None
    if event.remind_minutes is not None and event.remind_at is not None:
        reminder = ReminderOut(
            minutes=event.remind_minutes,
            message=event.remind_message,
            sms=event.remind_sms,
            at=event.remind_at,
            sent_at=event.reminded_at,
        )
    return EventOut(
        id=event.id,
        title=event.title,
        text=event.text,
        date=jalali(local.date()),
        time=f"{local.hour:02d}:{local.minute:02d}",
        at=event.at,
        reminder=reminder,
        created_at=event.created_at,
        updated_at=event.updated_at,
    )


class RunOut(msgspec.Struct):
    request_id: str
    name: str
    at: datetime
    time: str
    status: str


class DayOut(msgspec.Struct):
    date: str  # Jalali
    gregorian: str
    day: int
    weekday: int  # 0 = Saturday … 6 = Friday
    is_today: bool
    is_friday: bool
    is_holiday: bool
    holidays: list[str]
    events: list[EventOut]
    runs: list[RunOut]


class MonthRef(msgspec.Struct):
    year: int
    month: int


class MonthOut(msgspec.Struct):
    year: int
    month: int
    today: str
    leading_blanks: int  # empty cells before the 1st in a Saturday-first week
    previous: MonthRef
    next: MonthRef
    days: list[DayOut]


def run_out(run: RunOnCalendar) -> RunOut:
    local = run.at.astimezone(TEHRAN)
    return RunOut(run.request_id, run.name, run.at, f"{local.hour:02d}:{local.minute:02d}", run.status)


def month_out(view: MonthView) -> MonthOut:
    return MonthOut(
        year=view.month.year,
        month=view.month.month,
        today=jalali(view.today),
        leading_blanks=view.leading_blanks,
        previous=MonthRef(view.month.previous.year, view.month.previous.month),
        next=MonthRef(view.month.next.year, view.month.next.month),
        days=[
            DayOut(
                date=jalali(d.date),
                gregorian=d.date.isoformat(),
                day=d.day,
                weekday=d.weekday,
                is_today=d.is_today,
                is_friday=d.is_friday,
                is_holiday=d.is_holiday,
                holidays=d.holidays,
                events=[event_out(e) for e in d.events],
                runs=[run_out(r) for r in d.runs],
            )
            for d in view.days
        ],
    )


def _range_bound(value: str | None, field: str, *, end: bool) -> datetime | None:
    if value is None or not value.strip():
        return None
    day = parse_date(value)
    if day is not None:
        return at_tehran(day + timedelta(days=1) if end else day, time(0, 0))
    return parse_moment(value, field)


class FeedOut(msgspec.Struct):
    url: str


def feed_url(request: Req, token: str) -> str:
    return f"{settings_of(request).public_url.rstrip('/')}/calendar/feed/{token}.ics"


class EventsController(Controller):
    path = "/api/v1/events"
    tags = ["calendar"]

    @get("/")
    @inject
    async def list_events(
        self,
        request: Req,
        list_events: FromDishka[ListEvents],
        start_at: Annotated[str | None, QueryParameter(name="from")] = None,
        end_at: Annotated[str | None, QueryParameter(name="to")] = None,
    ) -> EventList:
        """The user's events, earliest first, between ``from`` and ``to`` (Jalali dates or ISO moments; default:
        this Tehran month)."""
        found = await require_user(request)
        assert found.user is not None
        start = _range_bound(start_at, "from", end=False)
        stop = _range_bound(end_at, "to", end=True)
        items = await list_events(found.user.id, start, stop)
        return EventList(items=[event_out(e) for e in items], next_cursor=None)

    @post("/", status_code=201)
    @inject
    async def create(self, request: Req, create_event: FromDishka[CreateEvent], data: JSONBody[EventBody]) -> EventOut:
        found = await require_user(request)
        assert found.user is not None
        event = await create_event(found.user.id, msgspec.structs.asdict(data))
        return event_out(event)

    @get("/{event_id:str}")
    @inject
    async def show(self, request: Req, get_event: FromDishka[GetEvent], event_id: FromPath[str]) -> EventOut:
        found = await require_user(request)
        assert found.user is not None
        return event_out(await get_event(found.user.id, event_id))

    @patch("/{event_id:str}")
    @inject
    async def edit(
        self,
        request: Req,
        update_event: FromDishka[UpdateEvent],
        event_id: FromPath[str],
        data: JSONBody[dict[str, Any]],
    ) -> EventOut:
        """Any of the fields of ``POST``; those left out keep their value."""
        found = await require_user(request)
        assert found.user is not None
        unknown = sorted(set(data) - set(EVENT_FIELDS))
        if unknown:
            raise ValidationFailed({name: "unknown_field" for name in unknown})
        event = await update_event(found.user.id, event_id, data)
        return event_out(event)

    @delete("/{event_id:str}", status_code=204)
    @inject
    async def remove(self, request: Req, delete_event: FromDishka[DeleteEvent], event_id: FromPath[str]) -> None:
        found = await require_user(request)
        assert found.user is not None
        await delete_event(found.user.id, event_id)


class CalendarController(Controller):
    path = "/api/v1/calendar"
    tags = ["calendar"]

    @get("/")
    @inject
    async def month(
        self,
        request: Req,
        show_month: FromDishka[ShowMonth],
        year: FromQuery[str | None] = None,
        month: FromQuery[str | None] = None,
    ) -> MonthOut:
        """A Jalali month (default: this one in Tehran), Saturday-first, with the user's events, the runs of
        scheduled and repeating requests, Fridays and Iran's official holidays."""
        found = await require_user(request)
        assert found.user is not None
        return month_out(await show_month(found.user.id, year, month))

    @get("/feed")
    @inject
    async def feed(self, request: Req, calendar_feed: FromDishka[ServeCalendarFeed]) -> FeedOut:
        """The secret address of the user's iCalendar feed (made on first ask)."""
        found = await require_user(request)
        assert found.user is not None
        return FeedOut(url=feed_url(request, await calendar_feed.token(found.user.id)))

    @post("/feed/rotate", status_code=200)
    @inject
    async def rotate(self, request: Req, calendar_feed: FromDishka[ServeCalendarFeed]) -> FeedOut:
        """A new secret address; the old one stops working."""
        found = await require_user(request)
        assert found.user is not None
        return FeedOut(url=feed_url(request, await calendar_feed.rotate(found.user.id)))


class CalendarFeedController(Controller):
    """The feed itself: no login (phone calendars cannot log in); the secret in the address is the key."""

    path = "/calendar/feed"
    include_in_schema = False

    @get("/{name:str}")
    @inject
    async def ics(
        self, request: Req, calendar_feed: FromDishka[ServeCalendarFeed], name: FromPath[str]
    ) -> Response[bytes]:
        if not name.endswith(".ics"):
            raise NotFound()
        body = await calendar_feed.render(name[: -len(".ics")])
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={"cache-control": "private, no-store", "x-robots-tag": "noindex"},
        )
