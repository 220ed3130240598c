"""Checks the filter, counts its rows and enqueues the export (any size: the API's POST)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Final

from kook.application.reporting.list_transactions import transaction_filter
from kook.application.reporting.ports import ExportRepository, ReportExport, TransactionQuery, TransactionReader
from kook.application.reporting.report_exports import KEEP_FOR
from kook.application.shared.ports import Clock, Dispatcher
from kook.domain.shared.ids import new_id

EXPORT_ACTOR: Final = "reports.export"


class StartTransactionExport:
    """Checks the filter, counts its rows and enqueues the export (any size: the API's POST)."""

    def __init__(
        self, reader: TransactionReader, exports: ExportRepository, dispatcher: Dispatcher, clock: Clock
    ) -> None:
        self._reader = reader
        self._exports = exports
        self._dispatcher = dispatcher
        self._clock = clock

    async def __call__(self, owner_id: str, customer_id: str | None, query: TransactionQuery) -> ReportExport:
        filter = transaction_filter(query, customer_id)
        totals = await self._reader.totals(filter)
        now = self._clock.now()
        export = ReportExport(
            id=new_id(),
            owner_id=owner_id,
            customer_id=customer_id,
            kind="transactions",
            filter=json.dumps(asdict(query), ensure_ascii=False),
            status="queued",
            rows_total=totals.count,
            rows_done=0,
            created_at=now,
            expires_at=now + KEEP_FOR,
        )
        await self._exports.add(export)
        self._dispatcher.dispatch(EXPORT_ACTOR, export_id=export.id)
        return export
