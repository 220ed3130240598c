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
from dataclasses import dataclass
from typing import Any, Final, Protocol

from kook.domain.shared.errors import DomainError, NotFound

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


class SlipTypeInvalid(DomainError):
    """Not a JPEG, PNG or PDF we accept. ``details["reason"]`` is for logs, not users."""

    code = "slip_type_invalid"

    def __init__(self, reason: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(details={"reason": reason, **(details or {})})
        self.reason = reason


class SlipTooLarge(DomainError):
    """Over the byte limit (``details["max_bytes"]``), or too many pixels (``details["max_pixels"]``)."""

    code = "slip_too_large"

    def __init__(self, details: dict[str, Any]) -> None:
        super().__init__(details=details)


class SlipNotFound(NotFound):
    """No slip under that key — or a key not of the store's shape (answered the same way)."""


@dataclass(frozen=True, slots=True)
class InspectedSlip:
    kind: SlipKind
    content: bytes  # what to store: re-encoded for images, as uploaded for PDFs
    width: int | None = None  # images only
    height: int | None = None
    pages: int | None = None  # PDFs, when it could be counted


@dataclass(frozen=True, slots=True)
class StoredSlip:
    key: str  # random and unguessable; the only handle on the file
    kind: SlipKind
    size: int  # bytes stored
    sha256: str  # hex digest of the bytes stored


class SlipInspector(Protocol):
    def inspect(self, content: bytes, filename: str | None = None) -> InspectedSlip:
        """Accept or refuse an upload; raises ``SlipTooLarge`` / ``SlipTypeInvalid``.

        ``filename`` is the name the browser sent; it never decides the type.
        """
        ...


class SlipStore(Protocol):
    async def save(self, content: bytes, kind: SlipKind) -> StoredSlip: ...

    async def open(self, key: str) -> bytes:
        """The stored bytes; raises ``SlipNotFound``."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the slip; a missing one is not an error."""
        ...
