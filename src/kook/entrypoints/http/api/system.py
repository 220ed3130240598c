"""Health, the favicon, and the sandbox inbox (dev and test only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
import sqlalchemy as sa
from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncEngine

from kook.application.shared.background import BackgroundWork
from kook.domain.shared.errors import DomainError
from kook.domain.shared.mobile import normalize_mobile
from kook.entrypoints.http.context import resolve
from kook.sandbox.sms_inbox import SandboxInbox


class Health(msgspec.Struct):
    status: str


class SandboxSms(msgspec.Struct):
    mobile: str
    text: str
    code: str | None
    sent_at: datetime


@get("/health", tags=["system"])
async def health(request: Request[Any, Any, Any]) -> Health:
    engine = await resolve(request, AsyncEngine)
    async with engine.connect() as connection:
        await connection.execute(sa.text("SELECT 1"))
    return Health(status="ok")


FAVICON = "/static/favicon.svg"


@get("/favicon.ico", include_in_schema=False)
async def favicon() -> Redirect:
    """Browsers (and tools) that ask for /favicon.ico without reading the page's <link rel="icon">."""
    return Redirect(FAVICON, status_code=301)


class DevController(Controller):
    path = "/api/v1/dev"
    tags = ["sandbox"]

    @get("/sms")
    async def sms(self, request: Request[Any, Any, Any], mobile: FromQuery[str | None] = None) -> list[SandboxSms]:
        normalized: str | None = None
        if mobile:
            try:
                normalized = normalize_mobile(mobile)
            except DomainError:
                return []
        await (await resolve(request, BackgroundWork)).drain()  # texts still on their way after an answer
        inbox = await resolve(request, SandboxInbox)
        return [
            SandboxSms(mobile=m.mobile, text=m.text, code=m.code, sent_at=m.sent_at)
            for m in await inbox.messages(normalized)
        ]
