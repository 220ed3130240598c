"""Roles at the door (issue 18): every customer route, API and web, names the one action it needs; the domain's
permission table (``kook.domain.customers.members.PERMISSIONS``) says which roles may do it.

The guard runs before every handler (``app.before_request``): it resolves the acting member — the caller's
customer and role — keeps it on the request for the handlers, names the member for the audit log, and refuses
a role that may not do the route's action with 403 ``role_forbidden``. A person who belongs to no customer yet
(someone building their own account) has every right over their own, as a single-user owner always had.

A route missing from ``ROUTE_ACTIONS`` (and outside ``OPEN_PREFIXES``) is treated as a setting (owners and
admins only) — and ``tests/integration/test_role_matrix.py`` fails until it is listed here.
"""

from __future__ import annotations

from typing import Any, Final

from litestar import Request

from kook.application.shared.acting import acting_member
from kook.application.teams.authorize_confirmation import AuthorizeConfirmation
from kook.application.teams.resolve_member import ResolveMember
from kook.application.teams.team import Acting
from kook.domain.customers.customer import ProfileNotApproved
from kook.domain.customers.members import Action, require
from kook.entrypoints.http.context import caller, require_user, resolve

OPEN: Final = None  # a route of the person, not of the account (their profile, inbox, the invitation)

# Not a customer account's routes: staff (their own guard), sign-up and login, assets, sandbox.
OPEN_PREFIXES: Final = (
    "/api/v1/admin",
    "/admin",
    "/api/v1/auth",
    "/login",
    "/signup",
    "/static",
    "/schema",
    "/sim",
    "/sandbox",
    "/api/v1/dev",
    "/health",
    "/ready",
    "/metrics",
    "/favicon.ico",
)

ROUTE_ACTIONS: Final[dict[tuple[str, str], Action | None]] = {
    ("GET", "/"): Action.READ,
    ("GET", "/api/v1/api-keys"): Action.SETTINGS,
    ("POST", "/api/v1/api-keys"): Action.SETTINGS,
    ("DELETE", "/api/v1/api-keys/{key_id}"): Action.SETTINGS,
    ("GET", "/api/v1/calendar"): Action.READ,
    ("GET", "/api/v1/calendar/feed"): Action.READ,
    ("POST", "/api/v1/calendar/feed/rotate"): Action.SETTINGS,
    ("GET", "/api/v1/catalog/lookup"): Action.READ,
    ("GET", "/api/v1/catalog/operators"): Action.READ,
    ("GET", "/api/v1/catalog/packages"): Action.READ,
    ("GET", "/api/v1/customer"): Action.READ,
    ("PUT", "/api/v1/customer"): Action.SETTINGS,
    ("POST", "/api/v1/customer/submit"): Action.SETTINGS,
    ("GET", "/api/v1/events"): Action.READ,
    ("POST", "/api/v1/events"): Action.EVENTS,
    ("DELETE", "/api/v1/events/{event_id}"): Action.EVENTS,
    ("GET", "/api/v1/events/{event_id}"): Action.READ,
    ("PATCH", "/api/v1/events/{event_id}"): Action.EVENTS,
    ("GET", "/api/v1/me"): OPEN,
    ("POST", "/api/v1/me/password"): OPEN,
    ("GET", "/api/v1/messages"): OPEN,
    ("POST", "/api/v1/messages/read-all"): OPEN,
    ("POST", "/api/v1/messages/{message_id}/read"): OPEN,
    ("GET", "/api/v1/reports/exports/{export_id}"): Action.REPORTS,
    ("GET", "/api/v1/reports/exports/{export_id}/file"): Action.REPORTS,
    ("GET", "/api/v1/reports/payments"): Action.REPORTS,
    ("GET", "/api/v1/reports/sales-summary"): Action.REPORTS,
    ("GET", "/api/v1/reports/transactions"): Action.REPORTS,
    ("POST", "/api/v1/reports/transactions/exports"): Action.REPORTS,
    ("GET", "/api/v1/requests"): Action.READ,
    ("POST", "/api/v1/requests"): Action.BUILD,
    ("DELETE", "/api/v1/requests/{request_id}"): Action.BUILD,
    ("GET", "/api/v1/requests/{request_id}"): Action.READ,
    ("PATCH", "/api/v1/requests/{request_id}"): Action.BUILD,
    ("POST", "/api/v1/requests/{request_id}/cancel"): Action.BUILD,
    ("POST", "/api/v1/requests/{request_id}/confirm"): Action.CONFIRM,
    ("GET", "/api/v1/requests/{request_id}/invoice.pdf"): Action.REPORTS,
    ("GET", "/api/v1/requests/{request_id}/lines"): Action.READ,
    ("POST", "/api/v1/requests/{request_id}/lines"): Action.BUILD,
    ("DELETE", "/api/v1/requests/{request_id}/lines/{line_id}"): Action.BUILD,
    ("PATCH", "/api/v1/requests/{request_id}/lines/{line_id}"): Action.BUILD,
    ("GET", "/api/v1/requests/{request_id}/progress"): Action.READ,
    ("GET", "/api/v1/requests/{request_id}/runs"): Action.READ,
    ("POST", "/api/v1/requests/{request_id}/runs/cancel"): Action.BUILD,
    ("POST", "/api/v1/requests/{request_id}/runs/end"): Action.BUILD,
    ("POST", "/api/v1/requests/{request_id}/runs/pause"): Action.BUILD,
    ("POST", "/api/v1/requests/{request_id}/runs/resume"): Action.BUILD,
    ("POST", "/api/v1/requests/{request_id}/runs/skip"): Action.BUILD,
    ("POST", "/api/v1/requests/{request_id}/runs/unskip"): Action.BUILD,
    ("GET", "/api/v1/requests/{request_id}/summary"): Action.READ,
    ("POST", "/api/v1/requests/{request_id}/uploads"): Action.BUILD,
    ("GET", "/api/v1/requests/{request_id}/uploads/{upload_id}/errors.xlsx"): Action.READ,
    ("GET", "/api/v1/services"): Action.READ,
    ("POST", "/api/v1/services/{code}/activate"): Action.SETTINGS,
    ("GET", "/api/v1/services/{code}/terms"): Action.READ,
    ("GET", "/api/v1/wallet"): Action.WALLET_READ,
    ("GET", "/api/v1/wallet/deposits"): Action.WALLET_READ,
    ("POST", "/api/v1/wallet/deposits"): Action.WALLET_PAY,
    ("GET", "/api/v1/wallet/deposits/{deposit_id}/slip"): Action.WALLET_READ,
    ("GET", "/api/v1/wallet/entries"): Action.WALLET_READ,
    ("GET", "/api/v1/wallet/low-balance"): Action.READ,
    ("PUT", "/api/v1/wallet/low-balance"): Action.SETTINGS,
    ("GET", "/api/v1/wallet/payments"): Action.WALLET_READ,
    ("POST", "/api/v1/wallet/payments"): Action.WALLET_PAY,
    ("GET", "/api/v1/wallet/statements/{year}/{month_file}"): Action.WALLET_READ,
    ("GET", "/calendar"): Action.READ,
    ("POST", "/calendar/events"): Action.EVENTS,
    ("GET", "/calendar/events/new"): Action.READ,
    ("GET", "/calendar/events/{event_id}"): Action.READ,
    ("POST", "/calendar/events/{event_id}"): Action.EVENTS,
    ("POST", "/calendar/events/{event_id}/delete"): Action.EVENTS,
    ("POST", "/calendar/feed-rotate"): Action.SETTINGS,
    ("GET", "/calendar/feed/{name}"): OPEN,
    ("GET", "/catalog"): Action.READ,
    ("GET", "/catalog/packages"): Action.READ,
    ("GET", "/customer"): Action.READ,
    ("POST", "/customer"): Action.SETTINGS,
    ("POST", "/customer/submit"): Action.SETTINGS,
    ("POST", "/logout"): OPEN,
    ("GET", "/messages"): OPEN,
    ("POST", "/messages/low-balance"): Action.SETTINGS,
    ("POST", "/messages/read-all"): OPEN,
    ("POST", "/messages/{message_id}/read"): OPEN,
    # webhooks (issue 18 part B): endpoints, their secrets and the delivery log are the account's settings
    ("GET", "/api/v1/webhooks"): Action.SETTINGS,
    ("POST", "/api/v1/webhooks"): Action.SETTINGS,
    ("DELETE", "/api/v1/webhooks/{endpoint_id}"): Action.SETTINGS,
    ("GET", "/api/v1/webhooks/deliveries"): Action.SETTINGS,
    ("POST", "/api/v1/webhooks/deliveries/{delivery_id}/replay"): Action.SETTINGS,
    ("GET", "/webhooks"): Action.SETTINGS,
    ("POST", "/webhooks"): Action.SETTINGS,
    ("POST", "/webhooks/{endpoint_id}/delete"): Action.SETTINGS,
    ("POST", "/webhooks/deliveries/{delivery_id}/replay"): Action.SETTINGS,
    ("GET", "/docs/integration"): OPEN,
    ("GET", "/profile"): OPEN,
    ("POST", "/profile/sessions/end-all"): OPEN,
    ("DELETE", "/api/v1/me/sessions"): OPEN,
    ("POST", "/profile/api-keys"): Action.SETTINGS,
    ("POST", "/profile/api-keys/{key_id}/revoke"): Action.SETTINGS,
    ("POST", "/profile/password"): OPEN,
    ("GET", "/reports"): Action.REPORTS,
    ("GET", "/reports/exports/{export_id}"): Action.REPORTS,
    ("GET", "/reports/exports/{export_id}/file"): Action.REPORTS,
    ("GET", "/reports/payments"): Action.REPORTS,
    ("GET", "/reports/payments.xlsx"): Action.REPORTS,
    ("GET", "/reports/sales"): Action.REPORTS,
    ("GET", "/reports/sales.xlsx"): Action.REPORTS,
    ("GET", "/reports/transactions"): Action.REPORTS,
    ("GET", "/reports/transactions.xlsx"): Action.REPORTS,
    ("POST", "/reports/transactions/exports"): Action.REPORTS,
    ("GET", "/requests"): Action.READ,
    ("POST", "/requests"): Action.BUILD,
    ("GET", "/requests/{request_id}"): Action.READ,
    ("POST", "/requests/{request_id}/cancel"): Action.BUILD,
    ("POST", "/requests/{request_id}/confirm"): Action.CONFIRM,
    ("POST", "/requests/{request_id}/delete"): Action.BUILD,
    ("POST", "/requests/{request_id}/lines"): Action.BUILD,
    ("GET", "/requests/{request_id}/lines/{line_id}"): Action.READ,
    ("POST", "/requests/{request_id}/lines/{line_id}"): Action.BUILD,
    ("POST", "/requests/{request_id}/lines/{line_id}/delete"): Action.BUILD,
    ("GET", "/requests/{request_id}/lines/{line_id}/edit"): Action.READ,
    ("GET", "/requests/{request_id}/progress"): Action.READ,
    ("POST", "/requests/{request_id}/rename"): Action.BUILD,
    ("POST", "/requests/{request_id}/runs/cancel"): Action.BUILD,
    ("POST", "/requests/{request_id}/runs/end"): Action.BUILD,
    ("POST", "/requests/{request_id}/runs/pause"): Action.BUILD,
    ("POST", "/requests/{request_id}/runs/resume"): Action.BUILD,
    ("POST", "/requests/{request_id}/runs/skip"): Action.BUILD,
    ("POST", "/requests/{request_id}/runs/unskip"): Action.BUILD,
    ("GET", "/requests/{request_id}/summary"): Action.READ,
    ("POST", "/requests/{request_id}/uploads"): Action.BUILD,
    ("GET", "/services"): Action.READ,
    ("POST", "/services/{code}/activate"): Action.SETTINGS,
    ("GET", "/services/{code}/terms"): Action.READ,
    ("GET", "/templates/{name}"): OPEN,
    ("GET", "/wallet"): Action.WALLET_READ,
    ("POST", "/wallet/deposits"): Action.WALLET_PAY,
    ("POST", "/wallet/payments"): Action.WALLET_PAY,
    ("GET", "/wallet/payments/{payment_id}/callback"): OPEN,
    ("POST", "/wallet/payments/{payment_id}/callback"): OPEN,
    ("GET", "/wallet/statement"): Action.WALLET_READ,
    ("GET", "/wallet/statements/download"): Action.WALLET_READ,
    # teams and approvals
    ("GET", "/api/v1/members"): Action.READ,
    ("PATCH", "/api/v1/members/{user_id}"): Action.MEMBERS,
    ("DELETE", "/api/v1/members/{user_id}"): Action.MEMBERS,
    ("GET", "/api/v1/members/invitations"): Action.MEMBERS,
    ("POST", "/api/v1/members/invitations"): Action.MEMBERS,
    ("DELETE", "/api/v1/members/invitations/{invitation_id}"): Action.MEMBERS,
    ("GET", "/api/v1/invitation"): OPEN,
    ("POST", "/api/v1/invitation/accept"): OPEN,
    ("GET", "/api/v1/approval-policy"): Action.READ,
    ("PUT", "/api/v1/approval-policy"): Action.SETTINGS,
    ("GET", "/api/v1/requests/{request_id}/approval"): Action.READ,
    ("POST", "/api/v1/requests/{request_id}/approval"): Action.CONFIRM,
    ("POST", "/api/v1/requests/{request_id}/approval/code"): Action.APPROVE,
    ("POST", "/api/v1/requests/{request_id}/approval/confirm"): Action.APPROVE,
    ("GET", "/members"): Action.READ,
    ("POST", "/members/invite"): Action.MEMBERS,
    ("POST", "/members/policy"): Action.SETTINGS,
    ("POST", "/members/{user_id}/role"): Action.MEMBERS,
    ("POST", "/members/{user_id}/remove"): Action.MEMBERS,
    ("POST", "/members/invitations/{invitation_id}/withdraw"): Action.MEMBERS,
    ("GET", "/invitation"): OPEN,
    ("POST", "/invitation/accept"): OPEN,
    ("POST", "/requests/{request_id}/approval"): Action.CONFIRM,
    ("POST", "/requests/{request_id}/approval/code"): Action.APPROVE,
    ("POST", "/requests/{request_id}/approval/confirm"): Action.APPROVE,
}


def route_action(method: str, path_template: str) -> Action | None:
    """The action a route needs; None for an open route; SETTINGS for a route nobody listed (deny by default)."""
    if path_template.startswith(OPEN_PREFIXES):
        return OPEN
    return ROUTE_ACTIONS.get((method.upper(), path_template), Action.SETTINGS)


async def acting(request: Request[Any, Any, Any]) -> Acting | None:
    """The logged-in caller as a member of their customer (None: anonymous, staff, or no customer yet)."""
    if "kook_acting" in request.state:
        found: Acting | None = request.state.kook_acting
        return found
    result: Acting | None = None
    who = await caller(request)
    if who.user is not None:
        member = await (await resolve(request, ResolveMember))(who.user.id)
        if member is not None:
            result = Acting(member.customer_id, member.user_id, member.role)
    request.state.kook_acting = result
    return result


async def guard_role(request: Request[Any, Any, Any]) -> None:
    """Refuse (403 ``role_forbidden``) a member whose role may not do the route's action."""
    acting_member.set(None)
    method = request.method.upper()
    template = str(request.scope.get("path_template", ""))
    if template.startswith(OPEN_PREFIXES):
        return
    who = await caller(request)
    if who.user is None:
        return  # anonymous: the route answers 401 (or is public)
    acting_member.set(who.user.id)
    action = route_action("GET" if method == "HEAD" else method, template)
    if action is OPEN:
        return
    found = await acting(request)
    if found is None:
        return  # no customer yet: every right over the one they are building
    require(found.role, action)


async def authorize_confirmation(request: Request[Any, Any, Any], request_id: str) -> None:
    """Before a final confirmation: the approval rules (a member above the threshold needs another's approval)."""
    found = await acting(request)
    if found is not None:
        await (await resolve(request, AuthorizeConfirmation))(found, request_id)


async def require_acting(request: Request[Any, Any, Any]) -> Acting:
    """The calling member; a logged-in person with no customer yet is refused (``profile_not_approved``)."""
    await require_user(request)
    found = await acting(request)
    if found is None:
        raise ProfileNotApproved()
    return found
