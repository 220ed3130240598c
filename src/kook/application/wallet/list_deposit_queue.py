"""Finance's list: by status (pending first by default)."""

from __future__ import annotations

from kook.application.wallet.ports import Cursor, WalletUnitOfWork
from kook.domain.wallet.deposit import DepositSlip


class ListDepositQueue:
    """Finance's list: by status (pending first by default)."""

    def __init__(self, uow: WalletUnitOfWork) -> None:
        self._uow = uow

    async def __call__(
        self, status: str | None = "pending", before: Cursor = None, limit: int = 50
    ) -> list[DepositSlip]:
        async with self._uow as uow:
            return await uow.deposits.by_status(status, before=before, limit=limit)
