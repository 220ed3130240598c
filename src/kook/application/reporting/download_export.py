"""The finished file of the owner's export: (path, export); ``ExportNotFound`` otherwise."""

from __future__ import annotations

from kook.application.reporting.get_export_status import GetExportStatus
from kook.application.reporting.ports import ExportFiles, ReportExport
from kook.application.reporting.report_exports import ExportNotFound


class DownloadExport:
    """The finished file of the owner's export: (path, export); ``ExportNotFound`` otherwise."""

    def __init__(self, status: GetExportStatus, files: ExportFiles) -> None:
        self._status = status
        self._files = files

    async def __call__(self, owner_id: str, export_id: str) -> tuple[str, ReportExport]:
        export = await self._status(owner_id, export_id)
        if export.status != "done" or export.file_key is None or await self._files.size(export.file_key) is None:
            raise ExportNotFound()
        return self._files.path(export.file_key), export
