"""Online payments through a bank gateway (SPEC §5)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from kook.domain.shared.errors import DomainError


class PaymentStatus(enum.StrEnum):
    PENDING = "pending"  # created; the payer is at the gateway
    VERIFIED = "verified"  # verified server-to-server and credited
    FAILED = "failed"  # cancelled or refused at the gateway
    EXPIRED = "expired"  # never finished; the gateway confirmed nothing was paid
    REVERSED = "reversed"  # paid, could not be applied, given back at the gateway


class AmountOutOfRange(DomainError):
    code = "amount_out_of_range"


class PaymentAlreadySettled(DomainError):
    code = "payment_already_settled"


@dataclass(frozen=True)
class PaymentPolicy:
    min_amount: int = 10_000
    max_amount: int = 500_000_000
    expire_after: timedelta = timedelta(minutes=20)

    def check_amount(self, amount: int) -> None:
        if type(amount) is not int or not self.min_amount <= amount <= self.max_amount:
            raise AmountOutOfRange(details={"min": self.min_amount, "max": self.max_amount})


@dataclass(eq=False)
class Payment:
    id: str
    customer_id: str
    user_id: str
    amount: int
    gateway: str
    status: PaymentStatus
    created_at: datetime
    token: str | None = None
    updated_at: datetime | None = None
    verified_at: datetime | None = None
    reference: str | None = None
    card_mask: str | None = None
    result_code: str | None = None

    @property
    def is_final(self) -> bool:
        return self.status != PaymentStatus.PENDING

    def _require_pending(self) -> None:
        if self.status != PaymentStatus.PENDING:
            raise PaymentAlreadySettled(details={"status": self.status.value})

    def mark_verified(self, now: datetime, reference: str | None, card_mask: str | None, code: str | None) -> None:
        self._require_pending()
        self.status = PaymentStatus.VERIFIED
        self.verified_at = now
        self.updated_at = now
        self.reference = reference
        self.card_mask = card_mask
        self.result_code = code

    def mark_failed(self, now: datetime, code: str | None) -> None:
        self._require_pending()
        self.status = PaymentStatus.FAILED
        self.updated_at = now
        self.result_code = code

    def mark_expired(self, now: datetime) -> None:
        self._require_pending()
        self.status = PaymentStatus.EXPIRED
        self.updated_at = now

    def mark_reversed(self, now: datetime, code: str | None) -> None:
        self._require_pending()
        self.status = PaymentStatus.REVERSED
        self.updated_at = now
        self.result_code = code

    def is_stale(self, now: datetime, policy: PaymentPolicy) -> bool:
        return self.status == PaymentStatus.PENDING and now - self.created_at >= policy.expire_after
