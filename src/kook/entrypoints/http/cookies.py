"""The cookies Kook sets, all with explicit options (SPEC §2).

Outside dev they are Secure and named with the ``__Host-`` prefix (context.cookie_name): no Domain, path /.
"""

from __future__ import annotations

import secrets
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie

from kook.application.identity.ports import WebSession
from kook.entrypoints.http.context import ANON_CSRF_COOKIE, CSRF_COOKIE, SESSION_COOKIE, cookie_name, settings_of


def session_cookies(request: Request[Any, Any, Any], session: WebSession) -> list[Cookie]:
    settings = settings_of(request)
    secure = settings.secure_cookies
    max_age = settings.session.absolute_hours * 3600
    return [
        Cookie(
            key=cookie_name(settings, SESSION_COOKIE),
            value=session.id,
            path="/",
            httponly=True,
            samesite="lax",
            secure=secure,
            max_age=max_age,
        ),
        # The page's script reads the token from the page (meta csrf-token); the API's caller from the login's
        # answer (csrf_token) or this cookie.
        Cookie(
            key=cookie_name(settings, CSRF_COOKIE),
            value=session.csrf_token,
            path="/",
            httponly=False,
            samesite="lax",
            secure=secure,
            max_age=max_age,
        ),
    ]


def clear_session_cookies(request: Request[Any, Any, Any], response: Response[Any]) -> None:
    """Expire the session's cookies (with the same Secure flag: a browser ignores a __Host- cookie set without)."""
    settings = settings_of(request)
    for name, httponly in ((SESSION_COOKIE, True), (CSRF_COOKIE, False)):
        response.set_cookie(
            key=cookie_name(settings, name),
            value="",
            path="/",
            max_age=0,
            expires=0,
            httponly=httponly,
            samesite="lax",
            secure=settings.secure_cookies,
        )


def anonymous_csrf(request: Request[Any, Any, Any]) -> tuple[str, Cookie | None]:
    """The token a public form carries before anyone is logged in (double submit)."""
    settings = settings_of(request)
    name = cookie_name(settings, ANON_CSRF_COOKIE)
    token = request.cookies.get(name, "")
    if 20 <= len(token) <= 128:
        return token, None
    token = secrets.token_urlsafe(32)
    cookie = Cookie(
        key=name,
        value=token,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )
    return token, cookie
