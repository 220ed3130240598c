"""Reads of the wallet: figures, statement, payments and deposits lists."""

from __future__ import annotations

from kook.application.shared.ports import StatementLine
from kook.application.wallet.ports import Cursor, WalletUnitOfWork


class GetStatement:
    def __init__(self, uow: WalletUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, customer_id: str, before: Cursor = None, limit: int = 50) -> list[StatementLine]:
        async with self._uow as uow:
            return await uow.ledger.statement(customer_id, before=before, limit=limit)
