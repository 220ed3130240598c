"""CSRF protection for every cookie-authenticated write (SPEC §2).

Two checks: where the write comes from (``Origin`` / ``Sec-Fetch-Site`` must be the portal itself — a valid token
is not enough from another site), then the token.

Synchronizer token: a logged-in session has its own token (sent back in the
``x-csrftoken`` header or the ``csrf_token`` form field). Public forms use a
double-submit cookie. A call with no cookie at all carries no ambient
authority (an integrator's JSON call, a bearer key) and needs no token.
"""

from __future__ import annotations

import hmac
import re
from typing import Any
from urllib.parse import urlsplit

from litestar import Request

from kook.domain.shared.errors import DomainError
from kook.entrypoints.http.context import (
    ANON_CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    cookie_name,
    current_session,
    session_id_of,
    settings_of,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# /sandbox/gateway/: the sandbox bank gateway's page stands in for another site
# (the bank's), whose form carries no Kook CSRF token; its POST only records
# the payer's choice there and changes nothing in Kook (the portal still
# verifies server-to-server). Mounted only when KOOK_ENV is dev or test.
EXEMPT_PREFIXES = ("/sim/", "/sandbox/gateway/")
# The bank gateway's return (a POST from the bank's page, e.g. Saman). It trusts
# nothing it receives: the token must match the payment's own and the outcome
# comes from a server-to-server verify, so a forged post can change nothing.
_CALLBACK = re.compile(r"^/wallet/payments/[0-9a-f]{32}/callback$")


class CsrfFailed(DomainError):
    code = "csrf_failed"


def _origin_of(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def check_origin(request: Request[Any, Any, Any]) -> None:
    """A write that carries the browser's cookies must come from the portal's own pages.

    ``Sec-Fetch-Site: cross-site`` is refused, and so is an ``Origin`` other than the portal's (KOOK_PUBLIC_URL's,
    or the Host the request was sent to — any scheme: TLS may end at a proxy). Absent headers pass (older browsers,
    scripts); the token check still applies. ``Origin: null`` (a sandboxed frame, a cross-site redirect) is refused.
    """
    if request.headers.get("sec-fetch-site", "").strip().lower() == "cross-site":
        raise CsrfFailed(details={"reason": "cross_site"})
    origin = request.headers.get("origin")
    if origin is None:
        return
    scheme, netloc = _origin_of(origin.strip())
    own_host = request.headers.get("host", "").strip().lower()
    public = _origin_of(settings_of(request).public_url)
    if scheme in ("http", "https") and netloc and ((scheme, netloc) == public or netloc == own_host):
        return
    raise CsrfFailed(details={"reason": "origin"})


async def check_csrf(request: Request[Any, Any, Any]) -> None:
    path = request.url.path
    if request.method in SAFE_METHODS or path.startswith(EXEMPT_PREFIXES) or _CALLBACK.match(path):
        return
    has_session_cookie = session_id_of(request) is not None
    is_api = request.url.path.startswith("/api/")
    if is_api and not has_session_cookie:
        return
    check_origin(request)
    session = await current_session(request) if has_session_cookie else None
    expected = (
        session.csrf_token
        if session is not None
        else request.cookies.get(cookie_name(settings_of(request), ANON_CSRF_COOKIE), "")
    )
    provided = request.headers.get(CSRF_HEADER, "")
    if not provided and request.content_type[0] in FORM_TYPES:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        provided = value if isinstance(value, str) else ""
    if not expected or not provided or not hmac.compare_digest(expected.encode(), provided.encode()):
        raise CsrfFailed()
