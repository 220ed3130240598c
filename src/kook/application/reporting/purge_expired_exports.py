"""Deletes expired exports with their files, and files no export owns that are older than a day."""

from __future__ import annotations

import structlog

from kook.application.reporting.ports import ExportFiles, ExportRepository
from kook.application.reporting.report_exports import KEEP_FOR
from kook.application.shared.ports import Clock

log = structlog.get_logger(__name__)


class PurgeExpiredExports:
    """Deletes expired exports with their files, and files no export owns that are older than a day."""

    def __init__(self, exports: ExportRepository, files: ExportFiles, clock: Clock) -> None:
        self._exports = exports
        self._files = files
        self._clock = clock

    async def __call__(self) -> int:
        expired = await self._exports.expired(self._clock.now())
        for export in expired:
            if export.file_key is not None:
                await self._files.delete(export.file_key)
        if expired:
            await self._exports.remove([e.id for e in expired])
        orphans = await self._files.delete_older_than(int(KEEP_FOR.total_seconds()), await self._exports.file_keys())
        if expired or orphans:
            log.info("report_exports_purged", exports=len(expired), orphans=orphans)
        return len(expired)
