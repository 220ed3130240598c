"""Ports of the routing context: the operator itself, and the stored prefixes and routes.

``OperatorGateway`` is the one way a top-up leaves Kook. Its contract:

* ``top_up(request)`` sends one top-up. ``request.reference`` is the caller's
  idempotency key: sending the same reference again never tops the number up
  twice — the operator answers the outcome of the first one.
* The answer is ``succeeded`` (with the provider's reference), ``failed`` (with
  a code; definitely not applied — ``retryable`` says whether sending the same
  reference later may work, e.g. the operator could not be reached at all), or
  ``pending`` (unknown: a timeout or an unclear answer *after* the request may
  have reached the operator — never treat it as failed; ask ``status``).
* ``status(reference)`` answers the same outcomes, or ``not_found`` when the
  operator never received the reference (then nothing was applied).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from kook.application.shared.ports import AuditLog
from kook.application.shared.unit_of_work import UnitOfWork
from kook.domain.routing.operator import Operator
from kook.domain.routing.operator_routing import Route
from kook.domain.routing.prefix_table import OperatorPrefix

# --------------------------------------------------------------------------- the operator


@dataclass(frozen=True, slots=True)
class TopUpRequest:
    reference: str  # the caller's idempotency key (one per line, kept across retries)
    mobile: str  # 09XXXXXXXXX
    operator: Operator  # ours; the route maps it to the provider's own code
    product: str  # "airtime" or a package code
    amount: int  # rials


class OutcomeStatus(enum.StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    PENDING = "pending"  # unknown: ask again with ``status``
    NOT_FOUND = "not_found"  # only from ``status``: the operator never got the reference


@dataclass(frozen=True, slots=True)
class TopUpOutcome:
    status: OutcomeStatus
    provider_ref: str | None = None
    code: str | None = None  # why it failed, or what made it unknown
    retryable: bool = False  # failed, and certainly not sent: the same reference may be sent again

    @classmethod
    def succeeded(cls, provider_ref: str) -> TopUpOutcome:
        return cls(OutcomeStatus.SUCCEEDED, provider_ref=provider_ref)

    @classmethod
    def failed(cls, code: str, *, retryable: bool = False) -> TopUpOutcome:
        return cls(OutcomeStatus.FAILED, code=code, retryable=retryable)

    @classmethod
    def pending(cls, code: str = "unknown") -> TopUpOutcome:
        return cls(OutcomeStatus.PENDING, code=code)

    @classmethod
    def not_found(cls) -> TopUpOutcome:
        return cls(OutcomeStatus.NOT_FOUND)

    @property
    def is_final(self) -> bool:
        return self.status in (OutcomeStatus.SUCCEEDED, OutcomeStatus.FAILED)


class OperatorGateway(Protocol):
    async def top_up(self, request: TopUpRequest) -> TopUpOutcome: ...
    async def status(self, reference: str) -> TopUpOutcome: ...


class OperatorGateways(Protocol):
    """Gives the gateway that speaks a route's protocol (clients are pooled per provider)."""

    def for_route(self, route: Route) -> OperatorGateway: ...


# --------------------------------------------------------------------------- stored data


class PrefixRepository(Protocol):
    async def list_all(self) -> list[OperatorPrefix]: ...
    async def get(self, prefix_id: str, *, for_update: bool = False) -> OperatorPrefix | None: ...
    async def by_prefix(self, prefix: str) -> OperatorPrefix | None: ...
    async def add(self, entry: OperatorPrefix) -> None: ...
    async def save(self, entry: OperatorPrefix) -> None: ...
    async def delete(self, entry: OperatorPrefix) -> None: ...
    async def for_operator(self, operator: Operator, *, for_update: bool = False) -> list[OperatorPrefix]:
        """The operator's rows; ``for_update`` locks them, so two removals of its last two wait on each other."""
        ...


class RouteRepository(Protocol):
    async def list_all(self) -> list[Route]: ...
    async def get(self, operator: Operator) -> Route | None: ...
    async def save(self, route: Route) -> None:
        """Replace the stored route of ``route.operator``."""
        ...


class RoutingUnitOfWork(UnitOfWork, Protocol):
    prefixes: PrefixRepository
    routes: RouteRepository
    audit: AuditLog
