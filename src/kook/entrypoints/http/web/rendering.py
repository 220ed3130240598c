"""Rendering portal pages with the context every layout needs."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template

from kook.domain.customers.members import Action, allowed
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.entrypoints.http.context import caller
from kook.entrypoints.http.cookies import anonymous_csrf
from kook.entrypoints.http.messages import FLASH, error_text, field_text
from kook.entrypoints.http.roles import acting
from kook.entrypoints.http.web.menu_state import menu_state

FLASH_COOKIE = "kook_flash"
# The action a customer menu item's page needs (issue 18); the others are open to every member.
MENU_ACTIONS = {"wallet": Action.WALLET_READ, "reports": Action.REPORTS}
# Menu items that are live so far; the rest show as "coming soon".
ENABLED_MENU = frozenset(
    {"dashboard", "profile", "customer", "services", "messages", "wallet", "requests", "reports", "members"}
)
STAFF_ENABLED_MENU = frozenset(
    {"dashboard", "customers", "audit", "catalog", "deposits", "lines", "reports", "announcements"}
)


async def render(
    request: Request[Any, Any, Any],
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    cookies: list[Cookie] | None = None,
) -> Template:
    found = await caller(request)
    all_cookies = list(cookies or [])
    if found.session is not None:
        csrf_token = found.session.csrf_token
    else:
        csrf_token, anon_cookie = anonymous_csrf(request)
        if anon_cookie is not None:
            all_cookies.append(anon_cookie)
    flash = []
    flash_key = request.cookies.get(FLASH_COOKIE)
    if flash_key in FLASH:
        flash.append(FLASH[flash_key])
    if flash_key is not None:
        all_cookies.append(Cookie(key=FLASH_COOKIE, value="", path="/", max_age=0, httponly=True, samesite="lax"))
    base: dict[str, Any] = {
        "csrf_token": csrf_token,
        "current_user": found.user,
        "current_staff": found.staff,
        "wallet_available": None,
        "unread_count": 0,
        "flash": flash,
        "enabled_menu": STAFF_ENABLED_MENU if found.staff else ENABLED_MENU,
        "errors": {},
        "values": {},
        "form_error": None,
        "allowed_actions": None,  # None = every action (no customer yet); else what the member's role may do
    }
    member = await acting(request) if found.user is not None else None
    if member is not None:
        base["allowed_actions"] = frozenset(a.value for a in Action if allowed(member.role, a))
        # menu items the member's role cannot open are left out (not shown as "coming soon")
        base["hidden_menu"] = [key for key, action in MENU_ACTIONS.items() if not allowed(member.role, action)]
    base.update(await menu_state(request, found, base["enabled_menu"]))  # unread count, services shown once approved
    base.update(context or {})
    return Template(template_name=template, context=base, status_code=status_code, cookies=all_cookies)


def redirect(path: str, *, flash: str | None = None, cookies: list[Cookie] | None = None) -> Response[Any]:
    all_cookies = list(cookies or [])
    if flash is not None:
        all_cookies.append(Cookie(key=FLASH_COOKIE, value=flash, path="/", httponly=True, samesite="lax", max_age=60))
    return Redirect(path, status_code=303, cookies=all_cookies)


def form_errors(exc: DomainError, field: str | None = None) -> tuple[dict[str, str], str | None]:
    """Per-field Persian errors and a general one, from a domain error."""
    if isinstance(exc, ValidationFailed):
        return {name: field_text(code) for name, code in exc.fields.items()}, None
    if field is not None:
        return {field: error_text(exc.code)}, None
    return {}, error_text(exc.code)


def form_context(exc: DomainError, field: str | None = None, **extra: Any) -> dict[str, Any]:
    """A form page's context after a refused submission: ``errors`` (per field) and ``form_error`` (general)
    from ``exc`` as ``form_errors`` words them, plus ``extra`` (the values typed back, ...)."""
    errors, general = form_errors(exc, field)
    return {"errors": errors, "form_error": general, **extra}


async def render_form_error(
    request: Request[Any, Any, Any],
    template: str,
    exc: DomainError,
    status_code: int,
    field: str | None = None,
    **extra: Any,
) -> Template:
    """``template`` again with ``form_context(exc, field, **extra)``: the one way a refused form is shown."""
    return await render(request, template, form_context(exc, field, **extra), status_code=status_code)


def form_values(form: Any, *names: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for name in names:
        value = form.get(name)
        values[name] = value if isinstance(value, str) else ""
    return values
