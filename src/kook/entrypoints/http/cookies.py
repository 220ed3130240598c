"""The cookies Kook sets, all with explicit options (SPEC §2)."""

from __future__ import annotations

import secrets
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie

from kook.application.identity.ports import WebSession
from kook.entrypoints.http.context import ANON_CSRF_COOKIE, CSRF_COOKIE, SESSION_COOKIE, settings_of


def session_cookies(request: Request[Any, Any, Any], session: WebSession) -> list[Cookie]:
    settings = settings_of(request)
    secure = settings.secure_cookies
    max_age = settings.session.absolute_hours * 3600
    return [
        Cookie(
            key=SESSION_COOKIE,
            value=session.id,
            path="/",
            httponly=True,
            samesite="lax",
            secure=secure,
            max_age=max_age,
        ),
        # Readable by the page's script so htmx and fetch can echo it in x-csrftoken.
        Cookie(
            key=CSRF_COOKIE,
            value=session.csrf_token,
            path="/",
            httponly=False,
            samesite="lax",
            secure=secure,
            max_age=max_age,
        ),
    ]


def clear_session_cookies(response: Response[Any]) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


def anonymous_csrf(request: Request[Any, Any, Any]) -> tuple[str, Cookie | None]:
    """The token a public form carries before anyone is logged in (double submit)."""
    token = request.cookies.get(ANON_CSRF_COOKIE, "")
    if 20 <= len(token) <= 128:
        return token, None
    token = secrets.token_urlsafe(32)
    cookie = Cookie(
        key=ANON_CSRF_COOKIE,
        value=token,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings_of(request).secure_cookies,
    )
    return token, cookie
