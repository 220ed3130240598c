"""What an API key may call: the one table of every JSON route and the scope it needs.

A bearer key is a principal with scopes. Every route under ``/api/v1`` is listed here, by method and path
template, with what a key needs to call it:

- a scope (``requests:write``, ``requests:read``, ``reports:read``, ``wallet:read``): a customer's key carrying it;
- ``ANY_KEY``: any customer key (who am I, the catalogue, the services);
- ``STAFF_KEY``: a staff member's key (the back office; the route still checks the staff role, as for a web login);
- ``REFUSED``: no key at all — the web login only (sign-in, passwords, keys themselves, webhooks, profile edits,
  money going out of the portal's hands such as payments and deposits).

A route missing from the table is refused to keys too (and ``tests/integration/test_api_key_scopes.py`` fails until
it is listed). Outside ``/api/v1`` only the few public documents in ``KEY_PUBLIC_PATHS`` answer a key; the web
pages refuse it. Refusals are 403 ``api_key_route_refused`` or ``api_key_scope_missing``.
"""

from __future__ import annotations

import re
from typing import Any, Final

from litestar import Request

from kook.application.identity.authenticate_key import KeyPrincipal
from kook.application.identity.ports import RateLimiter
from kook.domain.shared.errors import DomainError, Forbidden, RateLimited

ANY_KEY: Final = "any"
STAFF_KEY: Final = "staff"
REFUSED: Final = None

RW, RR, REP, WAL = "requests:write", "requests:read", "reports:read", "wallet:read"
R = "/api/v1/requests/{request_id}"

ROUTE_SCOPES: dict[tuple[str, str], str | None] = {
    # identity: who am I; everything else about the account is for the web login
    ("GET", "/api/v1/me"): ANY_KEY,
    ("POST", "/api/v1/me/password"): REFUSED,
    ("DELETE", "/api/v1/me/sessions"): REFUSED,
    ("GET", "/api/v1/api-keys"): REFUSED,
    ("POST", "/api/v1/api-keys"): REFUSED,
    ("DELETE", "/api/v1/api-keys/{key_id}"): REFUSED,
    ("POST", "/api/v1/auth/login"): REFUSED,
    ("POST", "/api/v1/auth/logout"): REFUSED,
    ("POST", "/api/v1/auth/otp"): REFUSED,
    ("POST", "/api/v1/auth/otp/verify"): REFUSED,
    ("POST", "/api/v1/auth/signup"): REFUSED,
    ("POST", "/api/v1/auth/signup/verify"): REFUSED,
    ("GET", "/api/v1/dev/sms"): REFUSED,
    # teams and approvals: members and rules are for the web login; a key may send a request for approval and
    # read where it stands, but the approval itself is a person with their own SMS code (the point of a checker)
    ("GET", "/api/v1/members"): REFUSED,
    ("PATCH", "/api/v1/members/{user_id}"): REFUSED,
    ("DELETE", "/api/v1/members/{user_id}"): REFUSED,
    ("GET", "/api/v1/members/invitations"): REFUSED,
    ("POST", "/api/v1/members/invitations"): REFUSED,
    ("DELETE", "/api/v1/members/invitations/{invitation_id}"): REFUSED,
    ("GET", "/api/v1/invitation"): REFUSED,
    ("POST", "/api/v1/invitation/accept"): REFUSED,
    ("GET", "/api/v1/approval-policy"): REFUSED,
    ("PUT", "/api/v1/approval-policy"): REFUSED,
    ("GET", "/api/v1/requests/{request_id}/approval"): RR,
    ("POST", "/api/v1/requests/{request_id}/approval"): RW,
    ("POST", "/api/v1/requests/{request_id}/approval/code"): REFUSED,
    ("POST", "/api/v1/requests/{request_id}/approval/confirm"): REFUSED,
    # customer profile and services: read only
    ("GET", "/api/v1/customer"): ANY_KEY,
    ("PUT", "/api/v1/customer"): REFUSED,
    ("POST", "/api/v1/customer/submit"): REFUSED,
    ("GET", "/api/v1/services"): ANY_KEY,
    ("GET", "/api/v1/services/{code}/terms"): ANY_KEY,
    ("POST", "/api/v1/services/{code}/activate"): REFUSED,
    # catalogue: what a request may hold
    ("GET", "/api/v1/catalog/lookup"): ANY_KEY,
    ("GET", "/api/v1/catalog/operators"): ANY_KEY,
    ("GET", "/api/v1/catalog/packages"): ANY_KEY,
    # requests
    ("GET", "/api/v1/requests"): RR,
    ("POST", "/api/v1/requests"): RW,
    ("GET", R): RR,
    ("PATCH", R): RW,
    ("DELETE", R): RW,
    ("POST", R + "/cancel"): RW,
    ("POST", R + "/confirm"): RW,
    ("GET", R + "/invoice.pdf"): RR,
    ("GET", R + "/lines"): RR,
    ("POST", R + "/lines"): RW,
    ("PATCH", R + "/lines/{line_id}"): RW,
    ("DELETE", R + "/lines/{line_id}"): RW,
    ("GET", R + "/progress"): RR,
    ("GET", R + "/runs"): RR,
    ("POST", R + "/runs/cancel"): RW,
    ("POST", R + "/runs/end"): RW,
    ("POST", R + "/runs/pause"): RW,
    ("POST", R + "/runs/resume"): RW,
    ("POST", R + "/runs/skip"): RW,
    ("POST", R + "/runs/unskip"): RW,
    ("GET", R + "/summary"): RR,
    ("POST", R + "/uploads"): RW,
    ("GET", R + "/uploads/{upload_id}/errors.xlsx"): RR,
    # reports
    ("GET", "/api/v1/reports/transactions"): REP,
    ("POST", "/api/v1/reports/transactions/exports"): REP,
    ("GET", "/api/v1/reports/exports/{export_id}"): REP,
    ("GET", "/api/v1/reports/exports/{export_id}/file"): REP,
    ("GET", "/api/v1/reports/payments"): REP,
    ("GET", "/api/v1/reports/sales-summary"): REP,
    # wallet: reading; paying in (online payments, deposit slips) and alert settings stay with the web login
    ("GET", "/api/v1/wallet"): WAL,
    ("GET", "/api/v1/wallet/entries"): WAL,
    ("GET", "/api/v1/wallet/payments"): WAL,
    ("POST", "/api/v1/wallet/payments"): REFUSED,
    ("GET", "/api/v1/wallet/deposits"): WAL,
    ("POST", "/api/v1/wallet/deposits"): REFUSED,
    ("GET", "/api/v1/wallet/deposits/{deposit_id}/slip"): WAL,
    ("GET", "/api/v1/wallet/low-balance"): WAL,
    ("PUT", "/api/v1/wallet/low-balance"): REFUSED,
    ("GET", "/api/v1/wallet/statements/{year}/{month_file}"): WAL,
    # messages, events, calendar: the portal's own
    ("GET", "/api/v1/messages"): REFUSED,
    ("POST", "/api/v1/messages/read-all"): REFUSED,
    ("POST", "/api/v1/messages/{message_id}/read"): REFUSED,
    ("GET", "/api/v1/events"): REFUSED,
    ("POST", "/api/v1/events"): REFUSED,
    ("GET", "/api/v1/events/{event_id}"): REFUSED,
    ("PATCH", "/api/v1/events/{event_id}"): REFUSED,
    ("DELETE", "/api/v1/events/{event_id}"): REFUSED,
    ("GET", "/api/v1/calendar"): REFUSED,
    ("GET", "/api/v1/calendar/feed"): REFUSED,
    ("POST", "/api/v1/calendar/feed/rotate"): REFUSED,
    # webhooks: endpoints and their secrets are managed from the web login
    ("GET", "/api/v1/webhooks"): REFUSED,
    ("POST", "/api/v1/webhooks"): REFUSED,
    ("DELETE", "/api/v1/webhooks/{endpoint_id}"): REFUSED,
    ("GET", "/api/v1/webhooks/deliveries"): REFUSED,
    ("POST", "/api/v1/webhooks/deliveries/{delivery_id}/replay"): REFUSED,
}
# The back office: every admin JSON route answers a staff key (the route checks the role).
STAFF_PREFIX = "/api/v1/admin/"
# Documents outside /api/v1 a key may fetch (no session needed for them anyway).
KEY_PUBLIC_PATHS = frozenset({"/health", "/schema", "/schema/openapi.json", "/templates/{name}"})

_TYPED = re.compile(r"\{(\w+):\w+\}")


class ApiKeyRouteRefused(DomainError):
    code = "api_key_route_refused"


class ApiKeyScopeMissing(DomainError):
    code = "api_key_scope_missing"


def template_of(path: str) -> str:
    """``/api/v1/requests/{request_id:str}`` → ``/api/v1/requests/{request_id}``."""
    return _TYPED.sub(r"{\1}", path)


def needed(method: str, template: str) -> str | None:
    """What a key needs for this route: a scope, ANY_KEY, STAFF_KEY, or None (refused, also when unlisted)."""
    if template.startswith(STAFF_PREFIX):
        return STAFF_KEY
    if template in KEY_PUBLIC_PATHS:
        return ANY_KEY
    return ROUTE_SCOPES.get((method.upper(), template), REFUSED)


def check_key_access(principal: KeyPrincipal, method: str, template: str) -> None:
    """Raises 403 unless the key may call this route."""
    need = needed("GET" if method.upper() == "HEAD" else method, template)
    if need is REFUSED:
        raise ApiKeyRouteRefused(details={"route": f"{method.upper()} {template}"})
    if principal.staff is not None:
        if need is not STAFF_KEY and template not in KEY_PUBLIC_PATHS:
            raise ApiKeyRouteRefused(details={"route": f"{method.upper()} {template}"})
        return
    if need == STAFF_KEY:
        raise Forbidden()
    if need != ANY_KEY and need not in principal.key.scope_set:
        raise ApiKeyScopeMissing(details={"scope": need})


async def check_key_rate(limiter: RateLimiter, principal: KeyPrincipal) -> None:
    """The key's own limit (requests per minute), counted by the shared limiter (Redis in production)."""
    wait = await limiter.hit(f"api_key:{principal.key.id}", limit=principal.key.per_minute, window_seconds=60)
    if wait is not None:
        raise RateLimited(wait, details={"per_minute": principal.key.per_minute})


def route_template(request: Request[Any, Any, Any]) -> str:
    template = request.scope.get("path_template") or request.url.path
    return template_of(str(template))
