"""Reads of the wallet: figures, statement, payments and deposits lists."""

from __future__ import annotations

from kook.application.wallet.ports import WalletUnitOfWork
from kook.domain.wallet.ledger import Wallet


class GetWallet:
    def __init__(self, uow: WalletUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, customer_id: str) -> Wallet:
        async with self._uow as uow:
            wallet = await uow.ledger.wallet(customer_id)
        return wallet or Wallet(customer_id=customer_id)
