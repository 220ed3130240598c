"""The gateway's callback. Its fields are never trusted: the token finds
the payment (and must be the one the payment was started with), the
outcome and the amount come from a server-to-server verify."""

from __future__ import annotations

from collections.abc import Mapping

import structlog

from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.shared.ports import Clock, CustomerNotifier
from kook.application.wallet.payment_settler import PaymentSettler
from kook.application.wallet.ports import PaymentGateway, WalletUnitOfWork
from kook.domain.shared.errors import NotFound
from kook.domain.wallet.payment import Payment

log = structlog.get_logger(__name__)


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
        self._settler = PaymentSettler(uow, gateway, poster, clock, notifier)

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
