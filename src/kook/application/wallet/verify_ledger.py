"""Recomputes every wallet from its postings; also lists unbalanced entries."""

from __future__ import annotations

from kook.application.wallet.ports import WalletUnitOfWork
from kook.domain.wallet.ledger import Discrepancy


class VerifyLedger:
    """Recomputes every wallet from its postings; also lists unbalanced entries."""

    def __init__(self, uow: WalletUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self) -> tuple[list[Discrepancy], list[str]]:
        async with self._uow as uow:
            return await uow.ledger.verify(), await uow.ledger.unbalanced_entries()
