"""Online payment: start at the gateway, complete on its callback, expire what
is left unfinished (SPEC §5, ARCHITECTURE "Known traps": verify once, under a
lock, promptly)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import structlog

from kook.application.shared.ports import Clock, CustomerNotifier
from kook.application.wallet.gateway import (
    GatewayError,
    InquiryStatus,
    PaymentGateway,
    PaymentStart,
    Verification,
    VerifyStatus,
)
from kook.application.wallet.ledger_poster import LedgerPoster
from kook.application.wallet.ports import WalletUnitOfWork
from kook.application.wallet.settings import WalletPolicy
from kook.application.wallet.texts import payment_credited
from kook.domain.shared.errors import DomainError, NotFound
from kook.domain.shared.ids import new_id
from kook.domain.wallet.ledger import EntryKind, gateway_account
from kook.domain.wallet.payment import Payment, PaymentStatus

log = structlog.get_logger(__name__)


class GatewayUnavailable(DomainError):
    code = "gateway_unavailable"


@dataclass(frozen=True)
class StartedOnlinePayment:
    payment_id: str
    redirect_url: str


def payment_key(payment_id: str) -> str:
    return f"payment:{payment_id}"


class StartPayment:
    def __init__(self, uow: WalletUnitOfWork, gateway: PaymentGateway, clock: Clock, policy: WalletPolicy) -> None:
        self._uow = uow
        self._gateway = gateway
        self._clock = clock
        self._policy = policy

    async def __call__(
        self, *, customer_id: str, user_id: str, amount: int, mobile: str | None
    ) -> StartedOnlinePayment:
        self._policy.payments.check_amount(amount)
        payment = Payment(
            id=new_id(),
            customer_id=customer_id,
            user_id=user_id,
            amount=amount,
            gateway=self._gateway.name,
            status=PaymentStatus.PENDING,
            created_at=self._clock.now(),
        )
        async with self._uow as uow:
            await uow.payments.add(payment)
            await uow.commit()
        callback = f"{self._policy.public_url.rstrip('/')}/wallet/payments/{payment.id}/callback"
        try:
            started = await self._gateway.start(
                PaymentStart(
                    payment_id=payment.id,
                    amount=amount,
                    callback_url=callback,
                    description="افزایش اعتبار کیف پول کوک",
                    mobile=mobile,
                )
            )
        except GatewayError as exc:
            log.warning("payment_start_failed", payment_id=payment.id, reason=exc.reason)
            async with self._uow as uow:
                stored = await uow.payments.get(payment.id, for_update=True)
                if stored is not None and stored.status == PaymentStatus.PENDING:
                    stored.mark_failed(self._clock.now(), "start_failed")
                await uow.commit()
            raise GatewayUnavailable() from exc
        async with self._uow as uow:
            stored = await uow.payments.get(payment.id, for_update=True)
            assert stored is not None
            stored.token = started.token
            stored.updated_at = self._clock.now()
            await uow.commit()
        log.info("payment_started", payment_id=payment.id, amount=amount)
        return StartedOnlinePayment(payment_id=payment.id, redirect_url=started.redirect_url)


class _Settler:
    """Verifies one payment under the wallet's and the payment's locks, and
    credits it in the same transaction that marks it verified."""

    def __init__(
        self,
        uow: WalletUnitOfWork,
        gateway: PaymentGateway,
        poster: LedgerPoster,
        clock: Clock,
        notifier: CustomerNotifier,
    ) -> None:
        self._uow = uow
        self._gateway = gateway
        self._poster = poster
        self._clock = clock
        self._notifier = notifier

    async def settle(self, payment_id: str, *, expire_if_unpaid: bool) -> Payment:
        """``expire_if_unpaid=False``: the payer's return — verify; only a verify that says
        paid changes the payment (credited), anything else leaves it open for the expiry job.
        ``expire_if_unpaid=True``: the expiry job — inquiry first; paid is verified and
        credited, not paid closes it as expired, unclear leaves it for the next run."""
        credited = False
        mismatch = False
        failure: BaseException | None = None
        async with self._uow as uow:
            first_look = await uow.payments.get(payment_id)
            if first_look is None:
                raise NotFound("payment_not_found")
            await self._poster.lock_wallet(uow.ledger, first_look.customer_id)  # wallet first, then payment
            payment = await uow.payments.get(payment_id, for_update=True)
            assert payment is not None
            if payment.token is None:  # never reached the gateway: nothing there to ask about
                if expire_if_unpaid and payment.status == PaymentStatus.PENDING:
                    payment.mark_expired(self._clock.now())
                    await uow.commit()
                return payment
            if expire_if_unpaid:
                if not payment.needs_inquiry:
                    return payment
                verification = await self._after_inquiry(payment)
            else:
                if not payment.is_open:
                    return payment
                verification = await self._gateway.verify(payment.token, payment.amount)
            now = self._clock.now()
            if verification.status == VerifyStatus.UNKNOWN:
                log.warning("payment_outcome_unknown", payment_id=payment.id)
                return payment  # unchanged: the expiry job asks the gateway again
            try:
                if verification.status == VerifyStatus.FAILED:
                    if expire_if_unpaid:
                        payment.mark_expired(now, verification.code)
                    else:
                        # the payer may still pay (a callback before paying, a cancel we cannot
                        # tell from "not yet"): never final on a verify that says not paid
                        payment.note_unpaid(now, verification.code)
                elif verification.amount is not None and verification.amount != payment.amount:
                    log.error("payment_amount_mismatch", payment_id=payment.id)
                    mismatch = True
                else:
                    credited = await self._poster.credit(
                        uow.ledger,
                        payment.customer_id,
                        payment.amount,
                        gateway_account(payment.gateway),
                        key=payment_key(payment.id),
                        kind=EntryKind.PAYMENT,
                        memo=f"پرداخت آنلاین {verification.reference or ''}".strip(),
                    )
                    payment.mark_verified(now, verification.reference, verification.card_mask, verification.code)
                    if credited:
                        await uow.webhooks.record(
                            payment.customer_id,
                            "payment.credited",
                            [{"kind": "payment", "payment_id": payment.id, "amount": payment.amount}],
                        )
                        # who: the customer whose wallet it is, through the gateway (the payer's return, or the
                        # expiry job's inquiry); from where: the return's client address (none for the job)
                        await uow.audit.record(
                            actor=payment.customer_id,
                            action="payment.credit",
                            subject=f"payment:{payment.id}",
                            after={
                                "status": payment.status.value,
                                "amount": payment.amount,
                                "reference": verification.reference,
                                "via": "inquiry" if expire_if_unpaid else "callback",
                            },
                        )
                await uow.commit()
            except Exception as exc:
                failure = exc
        if mismatch:  # paid, but not what we asked for: it cannot be applied, so it goes back
            await self._reverse(payment)
            return payment
        if failure is not None:
            if verification.status == VerifyStatus.VERIFIED:
                await self._reverse(payment)
            raise failure
        if credited:
            log.info("payment_credited", payment_id=payment.id, amount=payment.amount)
            title, body = payment_credited(payment.amount)
            await self._notifier.notify(payment.customer_id, kind="payment", title=title, body=body)
        return payment

    async def _after_inquiry(self, payment: Payment) -> Verification:
        assert payment.token is not None
        inquiry = await self._gateway.inquire(payment.token)
        if inquiry.status in (InquiryStatus.PAID, InquiryStatus.VERIFIED):
            return await self._gateway.verify(payment.token, payment.amount)
        if inquiry.status in (InquiryStatus.PENDING, InquiryStatus.FAILED, InquiryStatus.REVERSED):
            return Verification(status=VerifyStatus.FAILED, code=f"inquiry_{inquiry.status.value}")
        return Verification(status=VerifyStatus.UNKNOWN)

    async def _reverse(self, payment: Payment) -> None:
        """A verified payment we could not apply goes back to the payer."""
        assert payment.token is not None
        try:
            reversed_ok = await self._gateway.reverse(payment.token)
        except GatewayError as exc:
            reversed_ok = False
            log.error("payment_reverse_failed", payment_id=payment.id, reason=exc.reason)
        log.error("payment_not_applied", payment_id=payment.id, reversed=reversed_ok)
        if reversed_ok:
            async with self._uow as uow:
                stored = await uow.payments.get(payment.id, for_update=True)
                if stored is not None and not stored.is_final:
                    stored.mark_reversed(self._clock.now(), "not_applied")
                    await uow.commit()


class CompletePayment:
    """The gateway's callback. Its fields are never trusted: the token finds
    the payment (and must be the one the payment was started with), the
    outcome and the amount come from a server-to-server verify."""

    def __init__(
        self,
        uow: WalletUnitOfWork,
        gateway: PaymentGateway,
        poster: LedgerPoster,
        clock: Clock,
        notifier: CustomerNotifier,
    ) -> None:
        self._uow = uow
        self._gateway = gateway
        self._settler = _Settler(uow, gateway, poster, clock, notifier)

    async def __call__(self, payment_id: str, params: Mapping[str, str]) -> Payment:
        callback = self._gateway.parse_callback(params)
        async with self._uow as uow:
            payment = await uow.payments.get(payment_id)
        if payment is None:
            log.warning("payment_callback_unknown", payment_id=payment_id[:40])
            raise NotFound("payment_not_found")
        if not callback.token or callback.token != payment.token:
            log.warning("payment_callback_token_mismatch", payment_id=payment.id)
            return payment  # a forged or replayed callback changes nothing
        if not payment.is_open:
            return payment
        return await self._settler.settle(payment.id, expire_if_unpaid=False)


class ExpireStalePayments:
    """Scheduled: payments still pending after the expiry time (and failed ones
    that reached the gateway) are settled by asking the gateway — credited if it
    says paid, expired otherwise."""

    def __init__(
        self,
        uow: WalletUnitOfWork,
        gateway: PaymentGateway,
        poster: LedgerPoster,
        clock: Clock,
        notifier: CustomerNotifier,
        policy: WalletPolicy,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._policy = policy
        self._settler = _Settler(uow, gateway, poster, clock, notifier)

    async def __call__(self, limit: int = 200) -> dict[str, int]:
        cutoff = self._clock.now() - self._policy.payments.expire_after
        async with self._uow as uow:
            stale = await uow.payments.stale(cutoff, limit)
        outcome: dict[str, int] = {}
        for payment in stale:
            try:
                settled = await self._settler.settle(payment.id, expire_if_unpaid=True)
            except (GatewayError, DomainError) as exc:
                log.warning("payment_expiry_deferred", payment_id=payment.id, error=str(exc))
                continue
            outcome[settled.status.value] = outcome.get(settled.status.value, 0) + 1
        if stale:
            log.info("payments_expired", **outcome)
        return outcome
