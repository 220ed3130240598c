"""The wallet's figures (available, held) of a customer."""

from __future__ import annotations

from kook.application.wallet.ports import WalletUnitOfWork
from kook.domain.wallet.ledger import Wallet


class GetWallet:
    def __init__(self, uow: WalletUnitOfWork, known: dict[str, Wallet] | None = None) -> None:
        self._uow = uow
        self._known = known if known is not None else {}  # read with the caller (CallerFacts.wallets)

    async def __call__(self, customer_id: str) -> Wallet:
        if customer_id in self._known:
            return self._known[customer_id]
        async with self._uow as uow:
            wallet = await uow.ledger.wallet(customer_id)
        return wallet or Wallet(customer_id=customer_id)
