"""Deposit slips: the file a customer uploads as proof of a bank deposit (SPEC §5).

Two ports:

* ``SlipInspector`` decides what an upload is **from its content, never its
  name**, refuses what is not a JPEG, PNG or PDF of at most 5 MB, and returns
  the bytes to keep — images re-encoded (metadata and any trailing payload
  gone), PDFs as uploaded after a structural check. It is CPU-bound and
  synchronous: call it off the event loop (``asyncio.to_thread``).
* ``SlipStore`` keeps those bytes under a random, unguessable key, outside any
  web-served folder. Only the key (with kind, size and digest) goes into the
  database; the file is served by the application to its owner and staff only,
  as an attachment with ``X-Content-Type-Options: nosniff``.

Nothing is stored until the inspector accepted the upload.
"""

from __future__ import annotations

import enum
from typing import Final

MAX_SLIP_BYTES: Final = 5 * 1024 * 1024


MAX_SLIP_PIXELS: Final = 40_000_000


class SlipKind(enum.StrEnum):
    JPEG = "jpeg"
    PNG = "png"
    PDF = "pdf"

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self]

    @property
    def extension(self) -> str:
        """File extension for a download name (``slip-12.jpg``); never used for storage."""
        return _EXTENSIONS[self]


_MEDIA_TYPES: Final = {SlipKind.JPEG: "image/jpeg", SlipKind.PNG: "image/png", SlipKind.PDF: "application/pdf"}


_EXTENSIONS: Final = {SlipKind.JPEG: "jpg", SlipKind.PNG: "png", SlipKind.PDF: "pdf"}
