"""The Persian portal's messages page (/messages)."""

from __future__ import annotations

from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from kook.application.messaging.list_messages import ListMessages
from kook.application.messaging.low_balance_threshold import LowBalanceThreshold
from kook.application.messaging.mark_all_messages_read import MarkAllMessagesRead
from kook.application.messaging.mark_message_read import MarkMessageRead
from kook.application.messaging.send_announcement import Announcement, SendAnnouncement
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.domain.shared.money import parse_amount_field
from kook.entrypoints.http.api.customers import require_admin
from kook.entrypoints.http.context import caller, resolve
from kook.entrypoints.http.cursors import decode_cursor, encode_cursor
from kook.entrypoints.http.session_customer import customer_id_or_none
from kook.entrypoints.http.web.rendering import form_errors, form_values, redirect, render

Req = Request[Any, Any, Any]
PAGE = 20


class MessagePages(Controller):
    path = "/messages"
    include_in_schema = False

    @get("/")
    async def inbox(self, request: Req, cursor: FromQuery[str | None] = None) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/admin" if found.staff else "/login")
        return await self._inbox(request, found.user.id, cursor)

    async def _inbox(
        self,
        request: Req,
        user_id: str,
        cursor: str | None = None,
        *,
        threshold_errors: dict[str, str] | None = None,
        threshold_value: str | None = None,
        status_code: int = 200,
    ) -> Template:
        items = await (await resolve(request, ListMessages))(user_id, before=decode_cursor(cursor), limit=PAGE + 1)
        page = items[:PAGE]
        customer_id = await customer_id_or_none(request, user_id)
        threshold = await (await resolve(request, LowBalanceThreshold)).get(customer_id) if customer_id else None
        return await render(
            request,
            "messaging/list.html",
            {
                "active_menu": "messages",
                "messages": page,
                "next_cursor": encode_cursor(page[-1].created_at, page[-1].id) if len(items) > PAGE else None,
                "alerts_available": customer_id is not None,
                "threshold": threshold,
                "threshold_errors": threshold_errors or {},
                "threshold_values": {"threshold": threshold_value if threshold_value is not None else ""},
            },
            status_code=status_code,
        )

    @post("/low-balance")
    @inject
    async def low_balance(
        self, request: Req, low_balance_threshold: FromDishka[LowBalanceThreshold]
    ) -> Response[Any] | Template:
        """The low-balance alert's threshold (rials, any digits and separators); empty turns it off."""
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        customer_id = await customer_id_or_none(request, found.user.id)
        if customer_id is None:
            return redirect("/messages")
        form = await request.form()
        raw = form.get("threshold")
        text = raw.strip() if isinstance(raw, str) else ""
        try:
            threshold = parse_amount_field(text, "threshold") if text else None
            await low_balance_threshold.set(customer_id, threshold)
        except ValidationFailed as exc:
            errors, _ = form_errors(exc)
            return await self._inbox(
                request, found.user.id, threshold_errors=errors, threshold_value=text, status_code=422
            )
        return redirect("/messages", flash="threshold_saved" if threshold else "threshold_off")

    @post("/read-all")
    @inject
    async def read_all(self, request: Req, mark_all_messages_read: FromDishka[MarkAllMessagesRead]) -> Response[Any]:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        await mark_all_messages_read(found.user.id)
        return redirect("/messages")

    @post("/{message_id:str}/read")
    @inject
    async def read(
        self, request: Req, mark_message_read: FromDishka[MarkMessageRead], message_id: FromPath[str]
    ) -> Response[Any]:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        await mark_message_read(found.user.id, message_id)
        return redirect("/messages")


class AnnouncementPages(Controller):
    """/admin/announcements: an admin writes a Persian rich-text announcement to one customer or to all."""

    path = "/admin/announcements"
    include_in_schema = False

    async def _page(
        self, request: Req, values: dict[str, str], errors: dict[str, str], form_error: str | None, status: int = 200
    ) -> Template:
        return await render(
            request,
            "messaging/admin_announce.html",
            {"active_menu": "announcements", "values": values, "errors": errors, "form_error": form_error},
            status_code=status,
        )

    @get("/")
    async def form(self, request: Req) -> Template:
        await require_admin(request)
        return await self._page(request, {}, {}, None)

    @post("/")
    @inject
    async def send(self, request: Req, send_announcement: FromDishka[SendAnnouncement]) -> Response[Any] | Template:
        staff = await require_admin(request)
        form = await request.form()
        values = form_values(form, "title", "body", "customer_id")
        try:
            await send_announcement(
                staff.id,
                Announcement(
                    title=values["title"], body=values["body"], customer_id=values["customer_id"].strip() or None
                ),
            )
        except DomainError as exc:
            errors, form_error = form_errors(exc, "customer_id" if exc.code == "not_found" else None)
            return await self._page(request, values, errors, form_error, 422 if errors else 400)
        return redirect("/admin/announcements", flash="announcement_sent")
