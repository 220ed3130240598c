"""Online payments through a bank gateway (SPEC §5)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from kook.domain.shared.errors import DomainError


class PaymentStatus(enum.StrEnum):
    """A payment's states. Only VERIFIED and REVERSED are final: money is ours
    only when the gateway's server-to-server verify says so, and whenever it
    says so the wallet is credited, whatever was seen before.

    * PENDING: open. The payer is at the gateway, or came back and the verify
      did not say paid (not yet, or unclear): it stays open, and the expiry job
      asks the gateway (inquiry) once it is old enough.
    * FAILED: the start never reached the gateway (no token: nothing there to
      pay). A failed payment with a token (earlier versions marked some so on
      a callback's premature verify) is still asked about by the expiry job.
    * A verify that says paid another amount cannot be applied: it is reversed
      at the gateway (REVERSED) and stays open until the gateway accepts that.
    * EXPIRED: the gateway's inquiry, after the expiry time, said not paid.
      A later verify that says paid (the payer's return) still credits it.
    """

    PENDING = "pending"  # created; the payer is at the gateway, or the bank has not said paid yet
    VERIFIED = "verified"  # verified server-to-server and credited (final)
    FAILED = "failed"  # the start never reached the gateway (see above)
    EXPIRED = "expired"  # never finished; the gateway's inquiry said nothing was paid
    REVERSED = "reversed"  # paid, could not be applied, given back at the gateway (final)


_FINAL = frozenset({PaymentStatus.VERIFIED, PaymentStatus.REVERSED})


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
        """Nothing can change any more: credited, or given back at the gateway."""
        return self.status in _FINAL

    @property
    def is_open(self) -> bool:
        """The gateway may still say paid: a verify or an inquiry is worth asking."""
        return not self.is_final and self.token is not None

    @property
    def needs_inquiry(self) -> bool:
        """The expiry job's list: open and not yet closed by an inquiry."""
        return self.token is not None and self.status in (PaymentStatus.PENDING, PaymentStatus.FAILED)

    @property
    def bank_said_unpaid(self) -> bool:
        """Still open, and the last verify said not paid (the payer cancelled, or has not paid yet)."""
        return self.status == PaymentStatus.PENDING and self.result_code is not None

    def _require(self, *allowed: PaymentStatus) -> None:
        if self.status not in allowed:
            raise PaymentAlreadySettled(details={"status": self.status.value})

    def mark_verified(self, now: datetime, reference: str | None, card_mask: str | None, code: str | None) -> None:
        """The gateway verified it: credited now, even if an earlier look saw it failed or expired."""
        self._require(PaymentStatus.PENDING, PaymentStatus.FAILED, PaymentStatus.EXPIRED)
        self.status = PaymentStatus.VERIFIED
        self.verified_at = now
        self.updated_at = now
        self.reference = reference
        self.card_mask = card_mask
        self.result_code = code

    def note_unpaid(self, now: datetime, code: str | None) -> None:
        """A verify said not paid. It stays as it is: only an inquiry after the expiry time closes it."""
        self._require(PaymentStatus.PENDING, PaymentStatus.FAILED, PaymentStatus.EXPIRED)
        self.updated_at = now
        self.result_code = code or "not_paid"

    def mark_failed(self, now: datetime, code: str | None) -> None:
        self._require(PaymentStatus.PENDING)
        self.status = PaymentStatus.FAILED
        self.updated_at = now
        self.result_code = code

    def mark_expired(self, now: datetime, code: str | None = None) -> None:
        """The inquiry after the expiry time said not paid."""
        self._require(PaymentStatus.PENDING, PaymentStatus.FAILED)
        self.status = PaymentStatus.EXPIRED
        self.updated_at = now
        if code is not None:
            self.result_code = code

    def mark_reversed(self, now: datetime, code: str | None) -> None:
        self._require(PaymentStatus.PENDING, PaymentStatus.FAILED, PaymentStatus.EXPIRED)
        self.status = PaymentStatus.REVERSED
        self.updated_at = now
        self.result_code = code

    def is_stale(self, now: datetime, policy: PaymentPolicy) -> bool:
        return self.status == PaymentStatus.PENDING and now - self.created_at >= policy.expire_after
