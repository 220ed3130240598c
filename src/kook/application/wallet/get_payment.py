"""Reads of the wallet: figures, statement, payments and deposits lists."""

from __future__ import annotations

from kook.application.wallet.ports import WalletUnitOfWork
from kook.domain.shared.errors import NotFound
from kook.domain.wallet.payment import Payment


class GetPayment:
    def __init__(self, uow: WalletUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, customer_id: str, payment_id: str) -> Payment:
        async with self._uow as uow:
            payment = await uow.payments.get(payment_id)
        if payment is None or payment.customer_id != customer_id:
            raise NotFound("payment_not_found")
        return payment
