"""Report exports on the local file system: ``{KOOK_DATA_DIR}/exports``, a folder no web server serves.

Files are named by a random 128-bit key (32 hex digits), never by anything a
person sent; a key not of that shape is answered as "not found" before any
path is built. Mode 0600 in a 0700 folder. The application streams a file
itself, after checking the export's owner.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import time
from pathlib import Path
from typing import IO, Final

from kook.application.reporting.ports import ExportFiles
from kook.application.reporting.report_exports import ExportNotFound

_KEY: Final = re.compile(r"[0-9a-f]{32}")


class LocalExportFiles(ExportFiles):
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def new_key(self) -> str:
        return secrets.token_hex(16)

    def path(self, key: str) -> str:
        if not isinstance(key, str) or _KEY.fullmatch(key) is None:
            raise ExportNotFound()
        return str(self.root / f"{key}.xlsx")

    def open_new(self, key: str) -> IO[bytes]:
        if not self.root.is_dir():
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path(key), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        return os.fdopen(fd, "wb")

    async def size(self, key: str) -> int | None:
        try:
            return (await asyncio.to_thread(os.stat, self.path(key))).st_size
        except FileNotFoundError:
            return None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(Path(self.path(key)).unlink, missing_ok=True)

    async def delete_older_than(self, seconds: int, keep: set[str]) -> int:
        return await asyncio.to_thread(self._delete_older_than, seconds, keep)

    def _delete_older_than(self, seconds: int, keep: set[str]) -> int:
        if not self.root.is_dir():
            return 0
        cutoff = time.time() - seconds
        removed = 0
        for entry in self.root.iterdir():
            key = entry.name.removesuffix(".xlsx")
            if _KEY.fullmatch(key) is None or key in keep:
                continue
            try:
                if entry.stat().st_mtime < cutoff:
                    entry.unlink(missing_ok=True)
                    removed += 1
            except FileNotFoundError:
                continue
        return removed
