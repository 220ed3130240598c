"""The export of its owner (``ExportNotFound`` for anyone else)."""

from __future__ import annotations

from kook.application.reporting.ports import ExportRepository, ReportExport
from kook.application.reporting.report_exports import ExportNotFound
from kook.application.shared.ports import Clock


class GetExportStatus:
    """The export of its owner (``ExportNotFound`` for anyone else)."""

    def __init__(self, exports: ExportRepository, clock: Clock) -> None:
        self._exports = exports
        self._clock = clock

    async def __call__(self, owner_id: str, export_id: str) -> ReportExport:
        export = await self._exports.get(export_id) if len(export_id) <= 64 else None
        if export is None or export.owner_id != owner_id or export.expires_at <= self._clock.now():
            raise ExportNotFound()
        return export
