"""Deposit slips on the local file system.

The root must be a folder no web server serves (the composition root passes
``{KOOK_DATA_DIR}/slips``); the application streams a slip itself, after its
own access check. Each file is named by a random 256-bit key (64 hex digits) —
never by anything the user sent — written atomically (a temporary file in the
same folder, fsync, ``os.replace``) with mode 0600 in a 0700 folder. A key that
is not of that shape is answered as "not found" before any path is built, so
``../`` and friends never reach the file system.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Final

from kook.application.wallet.ports import SlipNotFound, SlipStore, StoredSlip
from kook.application.wallet.slips import SlipKind

_KEY: Final = re.compile(r"[0-9a-f]{64}")
_TEMP_PREFIX: Final = ".upload-"


def new_slip_key() -> str:
    return secrets.token_hex(32)


def is_slip_key(key: object) -> bool:
    return isinstance(key, str) and _KEY.fullmatch(key) is not None


class FileSlipStore(SlipStore):
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    async def save(self, content: bytes, kind: SlipKind) -> StoredSlip:
        data = bytes(content)
        key = new_slip_key()
        await asyncio.to_thread(self._write, key, data)
        return StoredSlip(key=key, kind=SlipKind(kind), size=len(data), sha256=hashlib.sha256(data).hexdigest())

    async def open(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError as exc:
            raise SlipNotFound() from exc

    async def delete(self, key: str) -> None:
        path = self._path(key)
        await asyncio.to_thread(path.unlink, missing_ok=True)

    def _path(self, key: str) -> Path:
        if not is_slip_key(key):
            raise SlipNotFound()
        return self.root / key

    def _ensure_root(self) -> None:
        if not self.root.is_dir():
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(self.root, 0o700)

    def _write(self, key: str, data: bytes) -> None:
        self._ensure_root()
        final = self.root / key
        fd, temp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=self.root)  # created 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp_name, 0o600)
            os.replace(temp_name, final)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_name)
            raise
        _fsync_dir(self.root)


def _fsync_dir(path: Path) -> None:
    """Make the rename durable; some file systems cannot open a folder, which is fine."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
