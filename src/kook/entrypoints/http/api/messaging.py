"""JSON API: the user's messages (API.md "Messages")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from kook.application.messaging.count_unread_messages import CountUnreadMessages
from kook.application.messaging.list_messages import ListMessages
from kook.application.messaging.low_balance_threshold import LowBalanceThreshold
from kook.application.messaging.mark_all_messages_read import MarkAllMessagesRead
from kook.application.messaging.mark_message_read import MarkMessageRead
from kook.application.messaging.send_announcement import Announcement, SendAnnouncement
from kook.domain.identity.staff import StaffRole
from kook.domain.messaging.message import RICH_KINDS, Message
from kook.entrypoints.http.api.wallet import customer_of
from kook.entrypoints.http.context import require_staff, require_user, resolve
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
    format: str = "text"  # "html": a staff announcement, sanitised (p, br, strong, em, lists, https links)


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
        format="html" if message.kind in RICH_KINDS else "text",
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

    @post("/read-all", status_code=200)
    async def read_all(self, request: Req) -> ReadAllOut:
        """Every unread message marked read."""
        found = await require_user(request)
        assert found.user is not None
        marked = await (await resolve(request, MarkAllMessagesRead))(found.user.id)
        return ReadAllOut(marked=marked, unread_count=0)


class ReadAllOut(msgspec.Struct):
    marked: int
    unread_count: int


class ThresholdBody(msgspec.Struct, forbid_unknown_fields=True):
    threshold: int | None


class ThresholdOut(msgspec.Struct):
    threshold: int | None


class LowBalanceController(Controller):
    """The customer's low-balance alert: a message and an SMS when the wallet's available balance falls below
    ``threshold`` rials (once per crossing); ``null`` turns it off."""

    path = "/api/v1/wallet/low-balance"
    tags = ["messaging"]

    @get("/")
    async def show(self, request: Req) -> ThresholdOut:
        customer_id, _, _ = await customer_of(request)
        return ThresholdOut(await (await resolve(request, LowBalanceThreshold)).get(customer_id))

    @put("/")
    async def change(self, request: Req, data: JSONBody[ThresholdBody]) -> ThresholdOut:
        customer_id, _, _ = await customer_of(request)
        return ThresholdOut(await (await resolve(request, LowBalanceThreshold)).set(customer_id, data.threshold))


class AnnouncementBody(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    body: str  # Persian rich text: <p>, <br>, <strong>, <em>, <ul>/<ol>/<li>, <a href="https://…">; the rest removed
    customer_id: str | None = None  # None: every customer


class AnnouncementOut(msgspec.Struct):
    recipients: int


class AdminAnnouncementsController(Controller):
    path = "/api/v1/admin/announcements"
    tags = ["back office"]

    @post("/", status_code=201)
    async def announce(self, request: Req, data: JSONBody[AnnouncementBody]) -> AnnouncementOut:
        found = await require_staff(request, StaffRole.ADMIN)
        assert found.staff is not None
        sent = await (await resolve(request, SendAnnouncement))(
            found.staff.id, Announcement(title=data.title, body=data.body, customer_id=data.customer_id)
        )
        return AnnouncementOut(recipients=sent)
