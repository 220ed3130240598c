"""Scheduled: payments still pending after the expiry time (and failed ones
that reached the gateway) are settled by asking the gateway — credited if it
says paid, expired otherwise."""

from __future__ import annotations

import structlog

from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.shared.ports import Clock, CustomerNotifier
from kook.application.wallet.payment_settler import PaymentSettler
from kook.application.wallet.ports import GatewayError, PaymentGateway, WalletUnitOfWork
from kook.application.wallet.settings import WalletPolicy
from kook.domain.shared.errors import DomainError

log = structlog.get_logger(__name__)


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
        self._settler = PaymentSettler(uow, gateway, poster, clock, notifier)

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
