"""Reads of the wallet: figures, statement, payments and deposits lists."""

from __future__ import annotations

from kook.application.wallet.ports import Cursor, WalletUnitOfWork
from kook.domain.wallet.payment import Payment


class ListPayments:
    def __init__(self, uow: WalletUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, customer_id: str, before: Cursor = None, limit: int = 50) -> list[Payment]:
        async with self._uow as uow:
            return await uow.payments.for_customer(customer_id, before=before, limit=limit)
