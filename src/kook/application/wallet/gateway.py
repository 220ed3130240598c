"""The bank-gateway port (SPEC §5, online payment).

Shaparak gateways share one shape: the merchant asks for a token, sends the
payer to the gateway with it, the payer comes back to our callback, and we
verify server-to-server with the amount we stored. The callback itself is
never trusted for the amount or the outcome.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


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
