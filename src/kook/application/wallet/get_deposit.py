"""One slip: its owner's customer, or any staff member (customer_id None)."""

from __future__ import annotations

from kook.application.wallet.ports import WalletUnitOfWork
from kook.domain.shared.errors import NotFound
from kook.domain.wallet.deposit import DepositSlip


class GetDeposit:
    """One slip: its owner's customer, or any staff member (customer_id None)."""

    def __init__(self, uow: WalletUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, deposit_id: str, customer_id: str | None) -> DepositSlip:
        async with self._uow as uow:
            deposit = await uow.deposits.get(deposit_id)
        if deposit is None or (customer_id is not None and deposit.customer_id != customer_id):
            raise NotFound()
        return deposit
