"""What the export use cases share: the actor, the statuses, the not-found error."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from kook.domain.shared.errors import NotFound

KEEP_FOR: Final = timedelta(days=1)


class ExportNotFound(NotFound):
    code = "export_not_found"


EXPORT_STATUSES: Final = ("queued", "running", "done", "failed")
