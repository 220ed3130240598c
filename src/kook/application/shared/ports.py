"""Ports every context shares. Adapters subclass these explicitly.

Why one file of some 430 lines: the application contexts may not import each other (import-linter's
independence contract), so every port two of them use — the unit of work, clock, dispatcher, SMS, audit, the
user, customer, request, ledger, routing and catalogue repositories, the idempotency store and the caller's
facts — has to live here; split by kind they would be a dozen small modules that every context imports
together.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, Self

from kook.domain.catalog.product import OperatorSettings, Package
from kook.domain.customers.customer import Customer, CustomerKind, CustomerStatus
from kook.domain.customers.members import Member
from kook.domain.identity.one_time_code import CodePurpose, OneTimeCode
from kook.domain.identity.staff import StaffMember
from kook.domain.identity.user import User
from kook.domain.messaging.message import Message
from kook.domain.recharges.request import Request
from kook.domain.routing.operator import Operator
from kook.domain.routing.operator_routing import Route
from kook.domain.routing.prefix_table import OperatorPrefix
from kook.domain.wallet.ledger import Discrepancy, JournalEntry, Wallet


class UnitOfWork(Protocol):
    """``async with uow:`` opens a transaction; leaving without ``commit`` rolls back."""

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SmsSender(Protocol):
    """Sends one text message to one Iranian mobile number (09XXXXXXXXX).

    Raises ``SmsDeliveryError`` when the provider refuses or cannot be reached.
    ``code`` is the one-time code the text carries, if any: the sandbox keeps it
    beside the text so tests can read it; real providers ignore it.
    """

    async def send(self, mobile: str, text: str, *, code: str | None = None) -> None: ...


class SmsDeliveryError(Exception):
    """The SMS provider did not accept the message."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class Dispatcher(Protocol):
    """Enqueues background work. Call only after the unit of work committed."""

    def dispatch(self, actor: str, **kwargs: Any) -> None: ...


class AuditLog(Protocol):
    async def record(
        self,
        *,
        actor: str,
        action: str,
        subject: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None: ...


class CustomerNotifier(Protocol):
    """Tells a customer something: a portal message, and an SMS when given.

    Called after the transaction that decided it has committed.
    """

    async def notify(self, customer_id: str, *, kind: str, title: str, body: str, sms: str | None = None) -> None: ...


class Telemetry(Protocol):
    """Counts what happened, for monitoring (Prometheus in production). Never raises."""

    def lines_changed(self, outcomes: Mapping[str, int]) -> None:
        """``outcomes``: how many lines reached each status in one committed transaction."""
        ...


class NullTelemetry(Telemetry):
    def lines_changed(self, outcomes: Mapping[str, int]) -> None:
        return None


class ShutdownSignal(Protocol):
    """Whether this process has been asked to stop (SIGTERM): long work hands back what it has not started."""

    def requested(self) -> bool: ...


Position = tuple[datetime, str]


class MessageRepository(Protocol):
    async def add(self, message: Message) -> None: ...
    async def get(self, message_id: str, *, for_update: bool = False) -> Message | None: ...
    async def for_user(
        self, user_id: str, *, before: Position | None, limit: int, unread_only: bool = False
    ) -> list[Message]:
        """Newest first; only messages older than ``before`` (created_at, id) when given."""
        ...

    async def unread_count(self, user_id: str) -> int: ...
    async def mark_all_read(self, user_id: str, now: datetime) -> int:
        """Marks every unread message of the user read; how many were."""
        ...

    async def announce_to_all(self, title: str, body: str, now: datetime, new_id: Callable[[], str]) -> int:
        """One announcement message to the owner of every customer; how many were written."""
        ...


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    actor_label: str = field(default="")  # a staff member's mobile and role, when the actor is staff
    address: str | None = None  # the client address of the request behind it; None for background work


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    subject: str | None = None


class AuditReader(Protocol):
    async def entries(self, filter: AuditFilter, *, before_id: int | None, limit: int) -> list[AuditEntry]:
        """Newest first; only entries with an id below ``before_id`` when given."""
        ...


class UserRepository(Protocol):
    async def get(self, user_id: str) -> User | None: ...
    async def by_mobile(self, mobile: str, *, for_update: bool = False) -> User | None: ...
    async def add(self, user: User) -> None: ...


class StaffRepository(Protocol):
    async def get(self, staff_id: str) -> StaffMember | None: ...
    async def by_mobile(self, mobile: str, *, for_update: bool = False) -> StaffMember | None: ...
    async def add(self, staff: StaffMember) -> None: ...


class OneTimeCodeRepository(Protocol):
    async def latest(self, mobile: str, purpose: CodePurpose, *, for_update: bool = False) -> OneTimeCode | None:
        """The newest code for the number and purpose, used or not."""
        ...

    async def add(self, code: OneTimeCode) -> None: ...
    async def purge_older_than(self, moment: datetime) -> int: ...


@dataclass(frozen=True)
class CustomerSummary:
    """One row of the reviewers' queue."""

    id: str
    kind: CustomerKind
    status: CustomerStatus
    display_name: str
    identifier: str
    owner_mobile: str
    owner_name: str
    status_changed_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None

    @property
    def position(self) -> Position:
        return (self.status_changed_at, self.id)


class CustomerRepository(Protocol):
    async def get(self, customer_id: str, *, for_update: bool = False) -> Customer | None: ...
    async def of_owner(self, user_id: str, *, for_update: bool = False) -> Customer | None: ...
    async def add(self, customer: Customer) -> None:
        """Raises Conflict when the user already has a customer."""
        ...

    async def summaries(
        self, status: CustomerStatus | None, *, after: Position | None, limit: int
    ) -> list[CustomerSummary]:
        """Submitted profiles oldest first (a queue); any other view newest first.
        ``after`` is the position of the last row already shown."""
        ...

    async def names(self, customer_ids: Collection[str]) -> dict[str, str]:
        """The display name of each customer found (company name, or first and last name)."""
        ...


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


@dataclass(frozen=True)
class StatementLine:
    entry_id: str
    kind: str
    memo: str
    created_at: datetime
    available_change: int
    held_change: int


class LedgerRepository(Protocol):
    async def wallet_for_update(self, customer_id: str) -> Wallet:
        """Lock the customer's wallet row (creating it at zero if missing)."""
        ...

    async def wallet(self, customer_id: str) -> Wallet | None: ...

    async def has_entry(self, idempotency_key: str) -> bool: ...

    async def append(self, entry: JournalEntry, wallets: list[tuple[Wallet, int, int]]) -> None:
        """Insert the entry and its postings, and move the wallet figures by the
        given (available, held) changes with a conditional update that refuses to
        go below zero. Raises Conflict when the idempotency key already exists."""
        ...

    async def statement(
        self, customer_id: str, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[StatementLine]: ...

    async def verify(self) -> list[Discrepancy]:
        """Recompute every wallet from its postings; the differences found."""
        ...

    async def unbalanced_entries(self) -> list[str]: ...


class WebhookOutbox(Protocol):
    """Written in the transaction of the event it tells of (the caller's unit of work commits it)."""

    async def record(self, customer_id: str, event: str, items: Sequence[Mapping[str, Any]]) -> int:
        """One delivery per item for each of the customer's active endpoints that subscribe to ``event``; the
        number of deliveries written (0 and one cheap query when the customer has no such endpoint)."""
        ...


class RequestRepository(Protocol):
    async def add(self, request: Request) -> None: ...
    async def get(self, request_id: str, customer_id: str, *, for_update: bool = False) -> Request | None: ...
    async def save(self, request: Request) -> None: ...
    async def delete(self, request_id: str) -> None:
        """The request with its lines and uploads."""
        ...

    async def for_customer(
        self, customer_id: str, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[Request]: ...

    async def names(self, customer_id: str, request_ids: Collection[str]) -> dict[str, str]:
        """The name of each of the customer's requests found among ``request_ids``."""
        ...


class PackageRepository(Protocol):
    async def get(self, package_id: str, *, for_update: bool = False) -> Package | None: ...
    async def by_code(self, code: str) -> Package | None: ...
    async def list(self, operator: Operator | None = None, *, active_only: bool = False) -> list[Package]:
        """Ordered by operator, days, volume, code."""
        ...

    async def add(self, package: Package) -> None: ...
    async def save(self, package: Package) -> None: ...


class OperatorSettingsRepository(Protocol):
    async def list_all(self) -> list[OperatorSettings]: ...
    async def get(self, operator: Operator, *, for_update: bool = False) -> OperatorSettings | None: ...
    async def save(self, settings: OperatorSettings) -> None: ...


class CatalogUnitOfWork(RoutingUnitOfWork, Protocol):
    packages: PackageRepository
    operator_settings: OperatorSettingsRepository


@dataclass(frozen=True)
class OwnerAccess:
    """What the enterprise top-up gate asks on every request, in one read: the user's customer, whether it is
    approved, whether the service is activated for it."""

    customer_id: str
    approved: bool
    active: bool


@dataclass(frozen=True)
class UserContext:
    """The user, their membership (None: no customer yet), their customer's access to a service (None: no
    customer) and the customer's wallet row (None: no customer, or no row yet) — a read request's caller, read in
    one statement (see ``application/shared/caller_facts.py``)."""

    user: User
    member: Member | None
    access: OwnerAccess | None
    wallet: Wallet | None


class UserContextReader(Protocol):
    async def read(self, user_id: str, service_code: str) -> UserContext | None: ...


@dataclass(frozen=True, slots=True)
class IdempotentCall:
    owner: str  # the caller (user id)
    key: str
    method_path: str  # "POST /api/v1/wallet/payments"
    body_hash: str


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    method_path: str
    body_hash: str
    status_code: int | None  # None while the first call is still being answered
    body: str | None  # the response body (JSON)


class IdempotencyStore(Protocol):
    async def reserve(self, call: IdempotentCall, now: datetime) -> StoredAnswer | None:
        """Take the key for ``call``: None when taken now, else what is already stored for (owner, key)."""
        ...

    async def complete(self, call: IdempotentCall, status_code: int, body: str) -> None: ...
    async def release(self, call: IdempotentCall) -> None: ...
