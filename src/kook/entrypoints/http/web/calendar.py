"""The Persian portal's calendar (/calendar): the Jalali month with events and runs, the event form
(a click on a day adds an event there), and the private feed's address."""

from __future__ import annotations

from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from kook.application.calendar.create_event import CreateEvent
from kook.application.calendar.delete_event import DeleteEvent
from kook.application.calendar.get_event import GetEvent
from kook.application.calendar.serve_calendar_feed import ServeCalendarFeed
from kook.application.calendar.show_month import ShowMonth
from kook.application.calendar.update_event import UpdateEvent
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.domain.shared.jalali import TEHRAN, from_gregorian
from kook.entrypoints.http.api.calendar import feed_url
from kook.entrypoints.http.context import caller, resolve
from kook.entrypoints.http.web.rendering import form_errors, form_values, redirect, render

Req = Request[Any, Any, Any]
FIELDS = ("title", "text", "date", "time", "remind_minutes", "remind_message", "remind_sms")
REMIND_CHOICES = ((0, "در زمان رویداد"), (10, "۱۰ دقیقه قبل"), (30, "۳۰ دقیقه قبل"), (60, "یک ساعت قبل"),
                  (180, "سه ساعت قبل"), (1440, "یک روز قبل"), (10080, "یک هفته قبل"))  # fmt: skip


def _fields(form: Any) -> dict[str, Any]:
    return {
        "title": form.get("title", ""),
        "text": form.get("text", ""),
        "date": form.get("date", ""),
        "time": form.get("time", ""),
        "remind_minutes": form.get("remind_minutes") or None,
        "remind_message": bool(form.get("remind_message")),
        "remind_sms": bool(form.get("remind_sms")),
    }


def _month_link(at: Any) -> str:
    jy, jm, _ = from_gregorian(at.astimezone(TEHRAN).date())
    return f"/calendar?year={jy}&month={jm}"


class CalendarPages(Controller):
    path = "/calendar"
    include_in_schema = False

    @get("/")
    @inject
    async def month(
        self,
        request: Req,
        show: FromDishka[ShowMonth],
        calendar_feed: FromDishka[ServeCalendarFeed],
        year: FromQuery[str | None] = None,
        month: FromQuery[str | None] = None,
    ) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/admin" if found.staff else "/login")
        try:
            view = await show(found.user.id, year, month)
        except ValidationFailed:
            view = await show(found.user.id)
        token = await calendar_feed.token(found.user.id)
        return await render(
            request,
            "calendar/month.html",
            {"active_menu": "messages", "view": view, "feed_url": feed_url(request, token)},
        )

    async def _form(
        self, request: Req, event: Any, values: dict[str, Any], errors: dict[str, str], status: int = 200
    ) -> Template:
        return await render(
            request,
            "calendar/event_form.html",
            {"active_menu": "messages", "event": event, "values": values, "errors": errors, "choices": REMIND_CHOICES},
            status_code=status,
        )

    @get("/events/new")
    async def new(self, request: Req, date: FromQuery[str | None] = None) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        return await self._form(request, None, {"date": (date or "").replace("-", "/"), "time": "09:00"}, {})

    @post("/events")
    @inject
    async def create(self, request: Req, create_event: FromDishka[CreateEvent]) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        data = await request.form()
        try:
            event = await create_event(found.user.id, _fields(data))
        except DomainError as exc:
            errors, _ = form_errors(exc)
            return await self._form(request, None, _values(data), errors, 422)
        return redirect(_month_link(event.at), flash="event_created")

    @get("/events/{event_id:str}")
    @inject
    async def edit(
        self, request: Req, get_event: FromDishka[GetEvent], event_id: FromPath[str]
    ) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        event = await get_event(found.user.id, event_id)
        local = event.at.astimezone(TEHRAN)
        jy, jm, jd = from_gregorian(local.date())
        values = {
            "title": event.title,
            "text": event.text,
            "date": f"{jy:04d}/{jm:02d}/{jd:02d}",
            "time": f"{local.hour:02d}:{local.minute:02d}",
            "remind_minutes": "" if event.remind_minutes is None else str(event.remind_minutes),
            "remind_message": "on" if event.remind_message else "",
            "remind_sms": "on" if event.remind_sms else "",
        }
        return await self._form(request, event, values, {})

    @post("/events/{event_id:str}")
    @inject
    async def update(
        self, request: Req, use: FromDishka[UpdateEvent], event_id: FromPath[str]
    ) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        data = await request.form()
        try:
            event = await use(found.user.id, event_id, _fields(data))
        except ValidationFailed as exc:
            errors, _ = form_errors(exc)
            current = await (await resolve(request, GetEvent))(found.user.id, event_id)
            return await self._form(request, current, _values(data), errors, 422)
        return redirect(_month_link(event.at), flash="event_updated")

    @post("/events/{event_id:str}/delete")
    @inject
    async def delete(
        self,
        request: Req,
        get_event: FromDishka[GetEvent],
        delete_event: FromDishka[DeleteEvent],
        event_id: FromPath[str],
    ) -> Response[Any]:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        event = await get_event(found.user.id, event_id)
        await delete_event(found.user.id, event_id)
        return redirect(_month_link(event.at), flash="event_deleted")

    @post("/feed-rotate")
    @inject
    async def rotate(self, request: Req, calendar_feed: FromDishka[ServeCalendarFeed]) -> Response[Any]:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        await calendar_feed.rotate(found.user.id)
        return redirect("/calendar", flash="feed_rotated")


def _values(form: Any) -> dict[str, str]:
    return form_values(form, *FIELDS)
