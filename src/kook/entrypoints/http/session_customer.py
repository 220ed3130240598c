"""The customer of the session (or of the API key): the one whose enterprise top-up service the caller may use.

Every route that acts for a customer asks here, API and portal alike; they differ only in what a caller without
an active service gets: the API's error answer (``customer_of``), the portal's redirect to the next step
(``portal_customer`` with ``ServiceRequired``), or no customer at all where a page still shows without one
(``customer_id_or_none``). The gate is resolved from the request's container on demand (not injected): these
helpers are called from many handlers, and a handler that injects it would build it before knowing whether the
caller is logged in.
"""

from __future__ import annotations

from typing import Any

from litestar import Request

from kook.application.services.gate import EnterpriseTopupGate
from kook.domain.shared.errors import DomainError
from kook.entrypoints.http.context import caller, require_user, resolve

Req = Request[Any, Any, Any]


class ServiceRequired(Exception):
    """The caller has no active enterprise top-up service yet."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


async def gate_customer(request: Req, user_id: str) -> str:
    """The id of ``user_id``'s customer whose enterprise top-up service is active; the gate's error otherwise."""
    return await (await resolve(request, EnterpriseTopupGate))(user_id)


async def customer_id_or_none(request: Req, user_id: str) -> str | None:
    """``gate_customer``, or None (no wallet, no alert, no balance in the top bar)."""
    try:
        return await gate_customer(request, user_id)
    except DomainError:
        return None


async def customer_of(request: Req) -> tuple[str, str, str]:
    """API: (customer id, user id, mobile) of a caller whose enterprise top-up service is active."""
    found = await require_user(request)
    assert found.user is not None
    customer_id = await gate_customer(request, found.user.id)
    return customer_id, found.user.id, found.user.mobile


async def portal_customer(request: Req) -> tuple[str, str, str] | None:
    """Portal: as ``customer_of``; None for a caller not logged in as a customer; ``ServiceRequired`` (a redirect
    to the next step) for one without the active service."""
    found = await caller(request)
    if found.user is None:
        return None
    try:
        customer_id = await gate_customer(request, found.user.id)
    except DomainError as exc:
        raise ServiceRequired(exc.code) from exc
    return customer_id, found.user.id, found.user.mobile
