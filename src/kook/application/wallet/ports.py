"""Ports of the wallet context."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from kook.application.shared.ports import AuditLog, LedgerRepository, UnitOfWork, WebhookOutbox
from kook.application.wallet.slips import SlipKind
from kook.domain.shared.errors import DomainError, NotFound
from kook.domain.wallet.deposit import DepositSlip
from kook.domain.wallet.payment import Payment


class PaymentRepository(Protocol):
    async def get(self, payment_id: str, *, for_update: bool = False) -> Payment | None: ...
    async def by_token(self, gateway: str, token: str) -> Payment | None: ...
    async def add(self, payment: Payment) -> None: ...
    async def for_customer(
        self, customer_id: str, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[Payment]: ...
    async def stale(self, older_than: datetime, limit: int) -> list[Payment]:
        """Payments the expiry job asks the gateway about: pending ones created before the
        moment, and failed ones that reached the gateway (a token), oldest first."""
        ...


class DepositRepository(Protocol):
    async def get(self, deposit_id: str, *, for_update: bool = False) -> DepositSlip | None: ...
    async def add(self, deposit: DepositSlip) -> None:
        """Raises Conflict when the tracking number is taken for that account."""
        ...

    async def exists(self, bank_account: str, tracking_number: str) -> bool: ...
    async def for_customer(
        self, customer_id: str, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[DepositSlip]: ...
    async def by_status(
        self, status: str | None, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[DepositSlip]: ...


class WalletUnitOfWork(UnitOfWork, Protocol):
    audit: AuditLog
    ledger: LedgerRepository
    payments: PaymentRepository
    deposits: DepositRepository
    webhooks: WebhookOutbox  # payment.credited, in the same transaction as the credit


class GatewayError(Exception):
    """The gateway could not be reached or answered something unusable."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


@dataclass(frozen=True)
class PaymentStart:
    payment_id: str  # our id; the gateway may echo it back
    amount: int  # rials
    callback_url: str
    description: str
    mobile: str | None = None


@dataclass(frozen=True)
class StartedPayment:
    token: str  # the gateway's id for this payment (Authority, Token, …)
    redirect_url: str  # where the payer's browser goes


class VerifyStatus(enum.StrEnum):
    VERIFIED = "verified"  # paid and now verified by this call
    ALREADY_VERIFIED = "already_verified"  # an earlier verify succeeded (Zarinpal 101)
    FAILED = "failed"  # not paid, cancelled, or refused: nothing to credit
    UNKNOWN = "unknown"  # timeout or unclear answer: ask again later (inquiry)


@dataclass(frozen=True)
class Verification:
    status: VerifyStatus
    amount: int | None = None  # what the gateway says was paid, when it says
    reference: str | None = None  # bank reference (ref_id / RRN)
    card_mask: str | None = None
    code: str | None = None  # the gateway's own result code, for the record


class InquiryStatus(enum.StrEnum):
    PENDING = "pending"  # the payer has not finished
    PAID = "paid"  # paid, not yet verified
    VERIFIED = "verified"
    FAILED = "failed"  # cancelled or failed at the bank
    REVERSED = "reversed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Inquiry:
    status: InquiryStatus
    amount: int | None = None
    reference: str | None = None


@dataclass(frozen=True)
class CallbackData:
    """What the browser brought back. Only ``token`` is used, to find our payment."""

    token: str | None
    says_ok: bool


class PaymentGateway(Protocol):
    name: str

    async def start(self, payment: PaymentStart) -> StartedPayment: ...

    async def verify(self, token: str, amount: int) -> Verification:
        """Server-to-server verify with OUR amount. Safe to call twice."""
        ...

    async def inquire(self, token: str) -> Inquiry: ...

    async def reverse(self, token: str) -> bool:
        """Give a verified payment back to the payer; True when the gateway accepted."""
        ...

    def parse_callback(self, params: Mapping[str, str]) -> CallbackData: ...


Cursor = tuple[datetime, str] | None


class SlipTypeInvalid(DomainError):
    """Not a JPEG, PNG or PDF we accept. ``details["reason"]`` is for logs, not users."""

    code = "slip_type_invalid"

    def __init__(self, reason: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(details={"reason": reason, **(details or {})})
        self.reason = reason


class SlipTooLarge(DomainError):
    """Over the byte limit (``details["max_bytes"]``), or too many pixels (``details["max_pixels"]``)."""

    code = "slip_too_large"

    def __init__(self, details: dict[str, Any]) -> None:
        super().__init__(details=details)


class SlipNotFound(NotFound):
    """No slip under that key — or a key not of the store's shape (answered the same way)."""


@dataclass(frozen=True, slots=True)
class InspectedSlip:
    kind: SlipKind
    content: bytes  # what to store: re-encoded for images, as uploaded for PDFs
    width: int | None = None  # images only
    height: int | None = None
    pages: int | None = None  # PDFs, when it could be counted


@dataclass(frozen=True, slots=True)
class StoredSlip:
    key: str  # random and unguessable; the only handle on the file
    kind: SlipKind
    size: int  # bytes stored
    sha256: str  # hex digest of the bytes stored


class SlipInspector(Protocol):
    def inspect(self, content: bytes, filename: str | None = None) -> InspectedSlip:
        """Accept or refuse an upload; raises ``SlipTooLarge`` / ``SlipTypeInvalid``.

        ``filename`` is the name the browser sent; it never decides the type.
        """
        ...


class SlipStore(Protocol):
    async def save(self, content: bytes, kind: SlipKind) -> StoredSlip: ...

    async def open(self, key: str) -> bytes:
        """The stored bytes; raises ``SlipNotFound``."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the slip; a missing one is not an error."""
        ...
