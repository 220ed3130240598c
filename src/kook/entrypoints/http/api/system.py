"""Health, readiness, metrics, the favicon, and the sandbox inbox (dev and test only)."""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Any

import msgspec
import sqlalchemy as sa
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get
from litestar.params import FromQuery
from litestar.response import Redirect
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from kook.adapters.metrics.prometheus import CONTENT_TYPE, render
from kook.adapters.metrics.scrape import scrape
from kook.adapters.system.health import check_ready
from kook.application.shared.background import BackgroundWork
from kook.domain.shared.errors import DomainError, Forbidden
from kook.domain.shared.mobile import normalize_mobile
from kook.entrypoints.http.context import client_address, resolve, settings_of
from kook.sandbox.sms_inbox import SandboxInbox


class Health(msgspec.Struct):
    status: str


class SandboxSms(msgspec.Struct):
    mobile: str
    text: str
    code: str | None
    sent_at: datetime


@get("/health", tags=["system"])
@inject
async def health(request: Request[Any, Any, Any], engine: FromDishka[AsyncEngine]) -> Health:
    async with engine.connect() as connection:
        await connection.execute(sa.text("SELECT 1"))
    return Health(status="ok")


class Readiness(msgspec.Struct):
    status: str  # "ready" or "unavailable"
    database: str  # "ok" or "failed"
    redis: str  # "ok", "failed", or "none" (the embedded default has no Redis)


@get("/ready", tags=["system"])
@inject
async def ready(
    request: Request[Any, Any, Any], engine: FromDishka[AsyncEngine], redis: FromDishka[Redis | None]
) -> Response[Readiness]:
    """Readiness: 200 when the database and Redis both answer, else 503 naming the one that did not."""
    found = await check_ready(engine, redis)
    body = Readiness(status="ready" if found.ready else "unavailable", database=found.database, redis=found.redis)
    return Response(body, status_code=200 if found.ready else 503)


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


@get("/metrics", include_in_schema=False)
@inject
async def metrics(
    request: Request[Any, Any, Any], engine: FromDishka[AsyncEngine], redis: FromDishka[Redis | None]
) -> Response[bytes]:
    """Prometheus metrics. With ``KOOK_METRICS_TOKEN`` set, only to ``Authorization: Bearer <token>``; without,
    only to loopback callers. Anyone else gets 403 ``forbidden``."""
    token = settings_of(request).metrics.token
    if token:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise Forbidden()
    elif client_address(request) not in LOOPBACK:  # behind a trusted proxy: the forwarded address
        raise Forbidden()
    figures = await scrape(engine, redis)
    return Response(render(figures), media_type=CONTENT_TYPE)


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
