"""Who is calling: the web session behind the cookie, or an API key.

Resolved once per request and kept on ``request.state``.

Use cases reach the controllers by dishka injection (``@inject`` and ``FromDishka[...]`` parameters, as the
Dramatiq actors take theirs); dishka strips those parameters from the signature Litestar reads, so they appear
neither in the OpenAPI document nor as query parameters. ``inject`` builds every injected dependency before the
handler runs, so ``resolve`` (the request's container, on demand) stays where injection would build something a
request may not use:

- here and in the hooks and guards that run outside a handler: the caller's session, key, user or staff member
  (``caller``), the key's rate limiter (``app.before_request``), the member's role (``roles.py``), the
  idempotency store (``idempotency.py``);
- shared helpers called from many handlers, each on only some of its paths: the customer of the session
  (``session_customer.py``), the ledger lines' descriptions (``statement.py``), the portal's menu
  (``web/menu_state.py``), a page drawn both by its GET and by a refused form's POST (``_page``, ``_profile``,
  ``request_page`` ...);
- a use case a handler needs on one branch only: the xlsx export beside the JSON page of a report, the PDF
  beside the workbook of a statement, the form's policy texts in an ``except``, ``EndSession`` only when the
  request carries a session, the htmx fragment's extra reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import structlog
from litestar import Request

from kook.application.identity.authenticate_key import AuthenticateKey, KeyPrincipal
from kook.application.identity.get_staff import GetStaff
from kook.application.identity.get_user import GetUser
from kook.application.identity.get_user_for_read import GetUserForRead
from kook.application.identity.ports import PrincipalKind, WebSession
from kook.application.identity.resolve_session import ResolveSession
from kook.domain.identity.staff import StaffMember, StaffRole
from kook.domain.identity.user import User
from kook.domain.shared.errors import Forbidden, Unauthenticated
from kook.entrypoints.settings import Settings

SESSION_COOKIE = "kook_session"
CSRF_COOKIE = "csrftoken"
ANON_CSRF_COOKIE = "kook_anon_csrf"
CSRF_HEADER = "x-csrftoken"
CSRF_FIELD = "csrf_token"
# Outside dev every cookie is Secure, and its name carries the __Host- prefix: the browser then keeps it only when
# it was set Secure, from this very host (no Domain attribute), for path / — a sibling subdomain or a plain-http
# man in the middle cannot plant or shadow it. The prefix requires Secure, so dev over plain http (secure cookies
# off) keeps the bare names.
HOST_PREFIX = "__Host-"

T = TypeVar("T")
READS = frozenset({"GET", "HEAD"})


def _only_reads(request: Request[Any, Any, Any]) -> bool:
    """A request that changes none of the caller's facts (CallerFacts): a GET or HEAD, except the bank's return to a
    payment callback (a GET that credits the wallet, then shows it)."""
    return request.method in READS and not request.url.path.endswith("/callback")


@dataclass
class Caller:
    session: WebSession | None = None
    user: User | None = None
    staff: StaffMember | None = None
    via_api_key: bool = False
    key: KeyPrincipal | None = None  # the bearer key (its scopes, its rate limit) when called with one


def _state(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The request's state itself (``request.state`` builds a new wrapper of it on every access)."""
    state: dict[str, Any] = request.scope.setdefault("state", {})
    return state


async def resolve(request: Request[Any, Any, Any], cls: type[T]) -> T:
    container = _state(request)["dishka_container"]
    return await container.get(cls)  # type: ignore[no-any-return]


def settings_of(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def cookie_name(settings: Settings, name: str) -> str:
    """``name`` as the browser stores it: with the __Host- prefix whenever cookies are Secure."""
    return HOST_PREFIX + name if settings.secure_cookies else name


def session_id_of(request: Request[Any, Any, Any]) -> str | None:
    """The session id the request's cookie carries, if any."""
    return request.cookies.get(cookie_name(settings_of(request), SESSION_COOKIE))


async def current_session(request: Request[Any, Any, Any]) -> WebSession | None:
    state = _state(request)
    if "kook_session_resolved" in state:
        session: WebSession | None = state["kook_session_resolved"]
        return session
    session = None
    session_id = session_id_of(request)
    if session_id:
        session = await (await resolve(request, ResolveSession))(session_id)
    state["kook_session_resolved"] = session
    return session


async def caller(request: Request[Any, Any, Any]) -> Caller:
    state = _state(request)
    if "kook_caller" in state:
        found: Caller = state["kook_caller"]
        return found
    result = Caller()
    authorization = request.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        principal = await (await resolve(request, AuthenticateKey))(authorization[7:].strip())
        if principal is None:
            raise Unauthenticated(details={"reason": "api_key_invalid"})
        result = Caller(user=principal.user, staff=principal.staff, via_api_key=True, key=principal)
    else:
        session = await current_session(request)
        if session is not None:
            if session.principal_kind == PrincipalKind.USER:
                # a read request asks its caller's membership, service access and wallet with the user (CallerFacts)
                if _only_reads(request):
                    user = await (await resolve(request, GetUserForRead))(session.principal_id)
                else:
                    user = await (await resolve(request, GetUser))(session.principal_id)
                result = Caller(session=session, user=user) if user else Caller()
            elif session.principal_kind == PrincipalKind.STAFF:
                staff = await (await resolve(request, GetStaff))(session.principal_id)
                result = Caller(session=session, staff=staff) if staff else Caller()
    if result.user is not None:
        structlog.contextvars.bind_contextvars(user_id=result.user.id)
    elif result.staff is not None:
        structlog.contextvars.bind_contextvars(staff_id=result.staff.id)
    state["kook_caller"] = result
    return result


async def require_user(request: Request[Any, Any, Any]) -> Caller:
    found = await caller(request)
    if found.user is None:
        raise Unauthenticated()
    return found


async def require_staff(request: Request[Any, Any, Any], *roles: StaffRole) -> Caller:
    """A staff member (of one of ``roles``, or an admin). Anyone else logged in — a customer's session or API
    key — is refused the same way on every staff route, API and web: 403; only an anonymous caller gets 401."""
    found = await caller(request)
    if found.staff is None:
        raise Forbidden() if found.user is not None else Unauthenticated()
    if roles and found.staff.role not in roles and found.staff.role != StaffRole.ADMIN:
        raise Forbidden()
    return found


def client_address(request: Request[Any, Any, Any]) -> str:
    if settings_of(request).http.trust_proxy_headers:
        forwarded = request.headers.get("x-forwarded-for", "")
        first = forwarded.split(",")[0].strip()
        if first:
            return first[:64]
    client = request.client
    return client.host if client else "unknown"
