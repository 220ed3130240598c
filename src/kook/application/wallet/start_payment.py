"""Online payment: start at the gateway, complete on its callback, expire what"""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from kook.application.shared.ports import Clock
from kook.application.wallet.ports import GatewayError, PaymentGateway, PaymentStart, WalletUnitOfWork
from kook.application.wallet.settings import WalletPolicy
from kook.domain.shared.errors import DomainError
from kook.domain.shared.ids import new_id
from kook.domain.wallet.payment import Payment, PaymentStatus

log = structlog.get_logger(__name__)


class GatewayUnavailable(DomainError):
    code = "gateway_unavailable"


@dataclass(frozen=True)
class StartedOnlinePayment:
    payment_id: str
    redirect_url: str


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
