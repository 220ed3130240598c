"""The Persian portal's messages page (/messages)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from kook.application.messaging.list_messages import ListMessages
from kook.application.messaging.mark_message_read import MarkAllMessagesRead, MarkMessageRead
from kook.entrypoints.http.api.customers import decode_cursor, encode_cursor
from kook.entrypoints.http.context import caller, resolve
from kook.entrypoints.http.web.rendering import redirect, render

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
        items = await (await resolve(request, ListMessages))(
            found.user.id, before=decode_cursor(cursor), limit=PAGE + 1
        )
        page = items[:PAGE]
        return await render(
            request,
            "messaging/list.html",
            {
                "active_menu": "messages",
                "messages": page,
                "next_cursor": encode_cursor(page[-1].created_at, page[-1].id) if len(items) > PAGE else None,
            },
        )

    @post("/read-all")
    async def read_all(self, request: Req) -> Response[Any]:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        await (await resolve(request, MarkAllMessagesRead))(found.user.id)
        return redirect("/messages")

    @post("/{message_id:str}/read")
    async def read(self, request: Req, message_id: FromPath[str]) -> Response[Any]:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        await (await resolve(request, MarkMessageRead))(found.user.id, message_id)
        return redirect("/messages")
