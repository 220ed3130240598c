"""The Litestar application: JSON API under /api/v1 and the Persian portal."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import Any

import structlog
from dishka import AsyncContainer
from dishka.integrations.litestar import setup_dishka
from litestar import Litestar, Request
from litestar.config.response_cache import ResponseCacheConfig
from litestar.datastructures import FormMultiDict
from litestar.enums import ScopeType
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig
from litestar.types import ASGIApp, Receive, Scope, Send

from kook.adapters.metrics.prometheus import observe_http
from kook.adapters.system.request_origin import set_client_address
from kook.application.identity.ports import RateLimiter
from kook.domain.shared.errors import ValidationFailed
from kook.entrypoints.http.api.calendar import CalendarController, CalendarFeedController, EventsController
from kook.entrypoints.http.api.catalog import CatalogController, sandbox_operator_router
from kook.entrypoints.http.api.catalog_admin import AdminCatalogController, AdminPrefixController
from kook.entrypoints.http.api.customers import AdminAuditController, AdminCustomersController, CustomerController
from kook.entrypoints.http.api.fulfilment import AdminLinesController, ProgressController
from kook.entrypoints.http.api.identity import AuthController, MeController
from kook.entrypoints.http.api.messaging import (
    AdminAnnouncementsController,
    LowBalanceController,
    MessagesController,
)
from kook.entrypoints.http.api.report_exports import ReportExportsController
from kook.entrypoints.http.api.reports import ReportsController
from kook.entrypoints.http.api.reports_admin import AdminReportsController
from kook.entrypoints.http.api.requests import RequestsController, SampleSheetsController
from kook.entrypoints.http.api.services import ServicesController
from kook.entrypoints.http.api.system import DevController, favicon, health, metrics, ready
from kook.entrypoints.http.api.teams import (
    ApprovalController,
    ApprovalPolicyController,
    InvitationController,
    MembersController,
)
from kook.entrypoints.http.api.wallet import AdminDepositController, WalletController
from kook.entrypoints.http.api.webhooks import WebhooksController
from kook.entrypoints.http.api_scopes import check_key_access, check_key_rate, route_template
from kook.entrypoints.http.context import SESSION_COOKIE, caller, client_address, require_staff, resolve
from kook.entrypoints.http.csrf import check_csrf
from kook.entrypoints.http.documents import InvoiceController, StatementDownloadPages, WalletStatementsController
from kook.entrypoints.http.errors import EXCEPTION_HANDLERS
from kook.entrypoints.http.openapi import openapi_config
from kook.entrypoints.http.roles import guard_role
from kook.entrypoints.http.web.calendar import CalendarPages
from kook.entrypoints.http.web.catalog import CatalogPages
from kook.entrypoints.http.web.catalog_admin import AdminCatalogPages
from kook.entrypoints.http.web.catalog_prefixes import AdminPrefixPages
from kook.entrypoints.http.web.customers import AuditPages, CustomerPages, CustomerReviewPages
from kook.entrypoints.http.web.filters import register_filters
from kook.entrypoints.http.web.fulfilment import ProgressPages, UnknownLinePages
from kook.entrypoints.http.web.identity import IdentityPages, StaffPages
from kook.entrypoints.http.web.integration import IntegrationPages, StaffKeyPages
from kook.entrypoints.http.web.messaging import AnnouncementPages, MessagePages
from kook.entrypoints.http.web.reports import ReportExportPages, ReportPages
from kook.entrypoints.http.web.reports_admin import AdminReportPages
from kook.entrypoints.http.web.request_lines import RequestLinePages
from kook.entrypoints.http.web.requests import RequestPages
from kook.entrypoints.http.web.services import ServicePages
from kook.entrypoints.http.web.teams import ApprovalPages, InvitationPages, MemberPages
from kook.entrypoints.http.web.wallet import DepositReviewPages, WalletPages
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import Settings
from kook.sandbox.gateway import SandboxGatewayController

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = structlog.get_logger(__name__)


# Every page's scripts and styles are files under /static (no inline script, style or handler); htmx is told not to
# inject its indicator style (static/kook.css has it). Styles set from script through the CSSOM (Bootstrap, the date
# picker) are not governed by style-src.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"


def request_context_middleware(app: ASGIApp, settings: Settings) -> ASGIApp:
    """Binds a request id to every log line of the request and echoes it back; sets the security headers;
    counts the request in the metrics (by route template and status) with its duration.

    It wraps the whole ASGI app (not the route handlers): answers the router gives itself — 404 for an unknown
    path, 405 for a wrong method — carry the headers too. A Content-Security-Policy on every HTML answer, HSTS
    outside dev, and ``Cache-Control: no-store`` on every answer to a caller with a session or a key (or that
    sets a cookie), so no shared or back-button cache keeps a logged-in page.
    """
    security_headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
        # every answer, not only pages: a JSON body or a download opened in a tab runs nothing either
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    ]
    if settings.env != "dev":
        security_headers.append((b"strict-transport-security", HSTS.encode()))

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        request_headers = dict(scope.get("headers") or [])
        incoming = request_headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.match(incoming) else secrets.token_hex(8)
        authenticated = b"authorization" in request_headers or SESSION_COOKIE.encode() in request_headers.get(
            b"cookie", b""
        )
        is_static = str(scope.get("path", "")).startswith("/static/")
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        set_client_address(None)  # before_request sets it once the route is known
        started = time.perf_counter()
        status = 500  # a handler that fails before answering

        async def send_with_id(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [(bytes(name).lower(), bytes(value)) for name, value in message.get("headers") or []]
                present = {name for name, _ in headers}
                for name, value in ((b"x-request-id", request_id.encode()), *security_headers):
                    if name not in present:
                        headers.append((name, value))
                if not is_static and (authenticated or b"set-cookie" in present):
                    cache = dict(headers).get(b"cache-control", b"")
                    if b"no-store" not in cache:
                        headers = [(n, v) for n, v in headers if n != b"cache-control"]
                        headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            structlog.contextvars.clear_contextvars()
            # the route's template (set by the router on this same scope), never the raw path: bounded labels
            route = str(scope.get("path_template") or "unmatched")
            observe_http(str(scope.get("method", "")), route, status, time.perf_counter() - started)

    return middleware


class KookRequest(Request[Any, Any, Any]):
    """A request whose body, when it cannot be taken as text, is the caller's mistake (422), never a server error.

    The JSON decoder turns malformed text into a validation error, but bytes that are not UTF-8 and nesting deeper
    than its recursion limit escaped it (UnicodeDecodeError, RecursionError); and a NUL character, which no field of
    the product holds, reached PostgreSQL (which refuses it in text).
    """

    async def json(self) -> Any:
        try:
            value = await super().json()
        except (UnicodeDecodeError, RecursionError):
            raise ValidationFailed({"body": "invalid"}) from None
        field = _field_holding_nul(value)
        if field is not None:
            raise ValidationFailed({field: "text_invalid"})
        return value

    async def form(self) -> FormMultiDict:
        found = await super().form()
        for name, item in found.multi_items():
            if "\x00" in name:
                raise ValidationFailed({"body": "text_invalid"})
            if isinstance(item, str) and "\x00" in item:
                raise ValidationFailed({name: "text_invalid"})
        return found


def _field_holding_nul(value: Any) -> str | None:
    """The name of the (innermost) field whose text holds a NUL, ``body`` when it has no name; None if none does."""
    pending: list[tuple[Any, str]] = [(value, "body")]
    while pending:  # not recursive: the decoder allows nesting deeper than Python's own stack
        item, name = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return name
        elif isinstance(item, dict):
            for key, inner in item.items():
                if isinstance(key, str) and "\x00" in key:
                    return "body"
                pending.append((inner, key if isinstance(key, str) else name))
        elif isinstance(item, list | tuple):
            pending.extend((inner, name) for inner in item)
    return None


# Staff routes, API and web, except the staff's own login and logout.
STAFF_PREFIXES = ("/api/v1/admin", "/admin")
STAFF_DOORS = frozenset({"/admin/login", "/admin/logout"})


async def before_request(request: Request[Any, Any, Any]) -> None:
    set_client_address(client_address(request))  # the audit rows of this request say where it came from
    # (/metrics takes its own bearer token, KOOK_METRICS_TOKEN: not an API key)
    if request.headers.get("authorization", "")[:7].lower() == "bearer " and request.url.path != "/metrics":
        # A bearer key: authenticated here, then the route table says whether this key may call this route, and
        # the key's own rate limit is counted. No cookie is involved, so no CSRF check applies.
        found = await caller(request)
        if found.key is not None:
            check_key_access(found.key, request.method, route_template(request))
            await check_key_rate(await resolve(request, RateLimiter), found.key)  # type: ignore[type-abstract]
            # and the key's maker must still hold a role that may do the route's action (a key outlives neither
            # its maker's membership nor a demotion)
            await guard_role(request)
            return
    await check_csrf(request)
    await guard_role(request)
    path = request.url.path.rstrip("/")
    if path.startswith(STAFF_PREFIXES) and path not in STAFF_DOORS:
        # One answer on every staff route, before its body is read: 401 to an anonymous caller, 403 to anyone
        # else who is not staff (a customer). The role each route needs is checked by the route.
        await require_staff(request)


def create_app_from_environment() -> Litestar:
    """The app of a ``kook web`` server: uvicorn imports it by name and calls it (settings from the environment,
    already checked by ``kook web`` before the server started)."""
    import gc

    from kook.entrypoints.logging import configure_logging
    from kook.entrypoints.settings import load_settings

    settings = load_settings()
    configure_logging(settings.log_level, settings.effective_log_format)
    app = create_app(settings)
    gc.collect()
    gc.freeze()  # see cli._freeze_boot_objects
    return app


def create_app(settings: Settings, container: AsyncContainer | None = None) -> Litestar:
    container = container or make_http_container(settings)
    handlers: list[Any] = [
        health,
        ready,
        metrics,
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
    handlers += [RequestsController, SampleSheetsController, RequestPages, RequestLinePages]
    handlers += [ProgressController, AdminLinesController]
    handlers += [ProgressPages, UnknownLinePages]
    handlers += [ReportsController, ReportPages, AdminReportsController, AdminReportPages]
    handlers += [ReportExportsController, ReportExportPages]
    handlers += [InvoiceController, WalletStatementsController, StatementDownloadPages]
    handlers += [EventsController, CalendarController, CalendarFeedController]
    handlers += [LowBalanceController, AdminAnnouncementsController, CalendarPages, AnnouncementPages]
    handlers += [WebhooksController, IntegrationPages, StaffKeyPages]
    # teams and approvals (issue 18)
    handlers += [MembersController, InvitationController, ApprovalPolicyController, ApprovalController]
    handlers += [MemberPages, InvitationPages, ApprovalPages]
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
        request_class=KookRequest,
        template_config=TemplateConfig(
            directory=TEMPLATES,
            engine=JinjaTemplateEngine,
            engine_callback=lambda engine: register_filters(engine.engine),
        ),
        openapi_config=openapi_config(),
        request_max_body_size=settings.http.max_body_bytes,
        response_cache_config=ResponseCacheConfig(),
        on_shutdown=[close_container],
        debug=False,
        logging_config=None,
    )
    app.state.settings = settings
    # Around the whole app, not the handlers: the router's own 404/405 answers get the headers too.
    app.asgi_handler = request_context_middleware(app.asgi_handler, settings)
    setup_dishka(container, app)
    return app
