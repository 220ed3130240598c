"""Keeps the transaction totals' rollup small to read: the pending changes folded in, every few seconds."""

from __future__ import annotations

import structlog

from kook.application.reporting.ports import TransactionTotalsFolder

log = structlog.get_logger(__name__)


class FoldTransactionTotals:
    def __init__(self, folder: TransactionTotalsFolder) -> None:
        self._folder = folder

    async def __call__(self) -> int:
        folded = await self._folder.fold()
        if folded:
            log.info("report_totals_folded", changes=folded)
        return folded
