"""JSON API: the user's messages (API.md "Messages")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery

from kook.application.messaging.count_unread_messages import CountUnreadMessages
from kook.application.messaging.list_messages import ListMessages
from kook.application.messaging.mark_message_read import MarkMessageRead
from kook.domain.messaging.message import Message
from kook.entrypoints.http.context import require_user, resolve
from kook.entrypoints.http.cursors import decode_cursor, encode_cursor

Req = Request[Any, Any, Any]
PAGE = 20


class MessageOut(msgspec.Struct):
    id: str
    kind: str
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None


class MessageList(msgspec.Struct):
    items: list[MessageOut]
    next_cursor: str | None
    unread_count: int


def message_out(message: Message) -> MessageOut:
    return MessageOut(
        id=message.id,
        kind=message.kind,
        title=message.title,
        body=message.body,
        created_at=message.created_at,
        read_at=message.read_at,
    )


class MessagesController(Controller):
    path = "/api/v1/messages"
    tags = ["messaging"]

    @get("/")
    async def list_messages(
        self, request: Req, cursor: FromQuery[str | None] = None, unread: FromQuery[bool] = False
    ) -> MessageList:
        found = await require_user(request)
        assert found.user is not None
        items = await (await resolve(request, ListMessages))(
            found.user.id, before=decode_cursor(cursor), limit=PAGE + 1, unread_only=unread
        )
        page = items[:PAGE]
        next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if len(items) > PAGE else None
        unread_count = await (await resolve(request, CountUnreadMessages))(found.user.id)
        return MessageList(items=[message_out(m) for m in page], next_cursor=next_cursor, unread_count=unread_count)

    @post("/{message_id:str}/read", status_code=200)
    async def read(self, request: Req, message_id: FromPath[str]) -> MessageOut:
        found = await require_user(request)
        assert found.user is not None
        message = await (await resolve(request, MarkMessageRead))(found.user.id, message_id)
        return message_out(message)
