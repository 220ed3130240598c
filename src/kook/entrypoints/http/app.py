"""The Litestar application: JSON API under /api/v1 and the Persian portal."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import structlog
from dishka import AsyncContainer
from dishka.integrations.litestar import setup_dishka
from litestar import Litestar, Request
from litestar.config.response_cache import ResponseCacheConfig
from litestar.enums import ScopeType
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig
from litestar.types import ASGIApp, Receive, Scope, Send

from kook.entrypoints.http.api.catalog import (
    AdminCatalogController,
    AdminPrefixController,
    CatalogController,
    sandbox_operator_router,
)
from kook.entrypoints.http.api.customers import AdminAuditController, AdminCustomersController, CustomerController
from kook.entrypoints.http.api.fulfilment import AdminLinesController, ProgressController
from kook.entrypoints.http.api.identity import AuthController, MeController
from kook.entrypoints.http.api.messaging import MessagesController
from kook.entrypoints.http.api.reports import ReportExportsController, ReportsController
from kook.entrypoints.http.api.requests import RequestsController, SampleSheetsController
from kook.entrypoints.http.api.services import ServicesController
from kook.entrypoints.http.api.system import DevController, favicon, health
from kook.entrypoints.http.api.wallet import AdminDepositController, WalletController
from kook.entrypoints.http.csrf import check_csrf
from kook.entrypoints.http.errors import EXCEPTION_HANDLERS
from kook.entrypoints.http.web.catalog import AdminCatalogPages, AdminPrefixPages, CatalogPages
from kook.entrypoints.http.web.customers import AuditPages, CustomerPages, CustomerReviewPages
from kook.entrypoints.http.web.filters import register_filters
from kook.entrypoints.http.web.fulfilment import ProgressPages, UnknownLinePages
from kook.entrypoints.http.web.identity import IdentityPages, StaffPages
from kook.entrypoints.http.web.messaging import MessagePages
from kook.entrypoints.http.web.reports import ReportExportPages, ReportPages
from kook.entrypoints.http.web.requests import RequestPages
from kook.entrypoints.http.web.services import ServicePages
from kook.entrypoints.http.web.wallet import DepositReviewPages, WalletPages
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import Settings
from kook.sandbox.gateway import SandboxGatewayController

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = structlog.get_logger(__name__)


def request_context_middleware(app: ASGIApp) -> ASGIApp:
    """Binds a request id to every log line of the request and echoes it back."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.match(incoming) else secrets.token_hex(8)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)

        async def send_with_id(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                for name, value in (
                    (b"x-request-id", request_id.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                ):
                    if name not in present:
                        headers.append((name, value))
                message["headers"] = headers
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            structlog.contextvars.clear_contextvars()

    return middleware


async def before_request(request: Request[Any, Any, Any]) -> None:
    await check_csrf(request)


def create_app(settings: Settings, container: AsyncContainer | None = None) -> Litestar:
    container = container or make_http_container(settings)
    handlers: list[Any] = [
        health,
        favicon,
        AuthController,
        MeController,
        IdentityPages,
        StaffPages,
        create_static_files_router(path="/static", directories=[STATIC], include_in_schema=False),
    ]
    # customers, services, messaging, audit
    handlers += [CustomerController, ServicesController, MessagesController]
    handlers += [AdminCustomersController, AdminAuditController]
    handlers += [CustomerPages, ServicePages, MessagePages, CustomerReviewPages, AuditPages]
    # wallet
    handlers += [WalletController, AdminDepositController, WalletPages, DepositReviewPages]
    # catalogue and routing
    handlers += [CatalogController, AdminCatalogController, AdminPrefixController]
    handlers += [CatalogPages, AdminCatalogPages, AdminPrefixPages]
    handlers += [RequestsController, SampleSheetsController, RequestPages, ProgressController, AdminLinesController]
    handlers += [ProgressPages, UnknownLinePages]
    handlers += [ReportsController, ReportPages]
    handlers += [ReportExportsController, ReportExportPages]
    if settings.is_sandbox_env:
        handlers.append(DevController)
        handlers.append(sandbox_operator_router())  # the simulated operator at /sim
        handlers.append(SandboxGatewayController)

    async def close_container() -> None:
        await container.close()

    app = Litestar(
        route_handlers=handlers,
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=before_request,
        middleware=[request_context_middleware],
        template_config=TemplateConfig(
            directory=TEMPLATES,
            engine=JinjaTemplateEngine,
            engine_callback=lambda engine: register_filters(engine.engine),
        ),
        openapi_config=OpenAPIConfig(title="Kook enterprise portal API", version="1", path="/schema"),
        request_max_body_size=settings.http.max_body_bytes,
        response_cache_config=ResponseCacheConfig(),
        on_shutdown=[close_container],
        debug=False,
        logging_config=None,
    )
    app.state.settings = settings
    setup_dishka(container, app)
    return app
