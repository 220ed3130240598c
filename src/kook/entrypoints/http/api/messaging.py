"""JSON API: the user's messages (API.md "Messages")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
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
from kook.entrypoints.http.context import require_staff, require_user
from kook.entrypoints.http.cursors import decode_cursor, encode_cursor
from kook.entrypoints.http.session_customer import customer_of

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


class ReadAllOut(msgspec.Struct):
    marked: int
    unread_count: int


class MessagesController(Controller):
    path = "/api/v1/messages"
    tags = ["messaging"]

    @get("/")
    @inject
    async def list_messages(
        self,
        request: Req,
        list_messages: FromDishka[ListMessages],
        count_unread_messages: FromDishka[CountUnreadMessages],
        cursor: FromQuery[str | None] = None,
        unread: FromQuery[bool] = False,
    ) -> MessageList:
        found = await require_user(request)
        assert found.user is not None
        items = await list_messages(found.user.id, before=decode_cursor(cursor), limit=PAGE + 1, unread_only=unread)
        page = items[:PAGE]
        next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if len(items) > PAGE else None
        unread_count = await count_unread_messages(found.user.id)
        return MessageList(items=[message_out(m) for m in page], next_cursor=next_cursor, unread_count=unread_count)

    @post("/{message_id:str}/read", status_code=200)
    @inject
    async def read(
        self, request: Req, mark_message_read: FromDishka[MarkMessageRead], message_id: FromPath[str]
    ) -> MessageOut:
        found = await require_user(request)
        assert found.user is not None
        message = await mark_message_read(found.user.id, message_id)
        return message_out(message)

    @post("/read-all", status_code=200)
    @inject
    async def read_all(self, request: Req, mark_all_messages_read: FromDishka[MarkAllMessagesRead]) -> ReadAllOut:
        """Every unread message marked read."""
        found = await require_user(request)
        assert found.user is not None
        marked = await mark_all_messages_read(found.user.id)
        return ReadAllOut(marked=marked, unread_count=0)


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
    @inject
    async def show(self, request: Req, low_balance_threshold: FromDishka[LowBalanceThreshold]) -> ThresholdOut:
        customer_id, _, _ = await customer_of(request)
        return ThresholdOut(await low_balance_threshold.get(customer_id))

    @put("/")
    @inject
    async def change(
        self, request: Req, low_balance_threshold: FromDishka[LowBalanceThreshold], data: JSONBody[ThresholdBody]
    ) -> ThresholdOut:
        customer_id, _, _ = await customer_of(request)
        return ThresholdOut(await low_balance_threshold.set(customer_id, data.threshold))


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
    @inject
    async def announce(
        self, request: Req, send_announcement: FromDishka[SendAnnouncement], data: JSONBody[AnnouncementBody]
    ) -> AnnouncementOut:
        found = await require_staff(request, StaffRole.ADMIN)
        assert found.staff is not None
        sent = await send_announcement(
            found.staff.id, Announcement(title=data.title, body=data.body, customer_id=data.customer_id)
        )
        return AnnouncementOut(recipients=sent)
