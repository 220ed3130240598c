"""Settling an online payment once, whoever learns the outcome first (callback or expiry sweep)."""

from __future__ import annotations

import structlog

from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.shared.ports import Clock, CustomerNotifier
from kook.application.wallet.ports import (
    GatewayError,
    InquiryStatus,
    PaymentGateway,
    Verification,
    VerifyStatus,
    WalletUnitOfWork,
)
from kook.application.wallet.texts import payment_credited
from kook.domain.shared.errors import NotFound
from kook.domain.wallet.ledger import EntryKind, gateway_account
from kook.domain.wallet.payment import Payment, PaymentStatus

log = structlog.get_logger(__name__)


def payment_key(payment_id: str) -> str:
    return f"payment:{payment_id}"


class PaymentSettler:
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
