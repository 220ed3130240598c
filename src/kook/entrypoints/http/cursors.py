"""The list cursors of every list route, API and web (API.md: ``next_cursor`` → ``cursor``).

A cursor is opaque to the caller but read back from it, so it is input like any other: one that does not decode
to what this module wrote is refused as ``validation_error`` on ``cursor`` (422), never handed to a query.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime

from kook.domain.shared.errors import ValidationFailed

_IDENT = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MAX_CURSOR = 200


def _invalid() -> ValidationFailed:
    return ValidationFailed({"cursor": "invalid"})


def encode_cursor(moment: datetime, ident: str) -> str:
    """The position after ``(moment, ident)`` of a list ordered by time then id."""
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{ident}".encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    """``encode_cursor``'s position; None for the first page. The time must carry its offset."""
    if not cursor:
        return None
    if len(cursor) > _MAX_CURSOR:
        raise _invalid()
    try:
        moment, ident = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii").split("|", 1)
        parsed = datetime.fromisoformat(moment)
    except (ValueError, UnicodeError, binascii.Error):
        raise _invalid() from None
    if parsed.tzinfo is None or parsed.utcoffset() is None or not _IDENT.match(ident):
        raise _invalid()
    return parsed, ident


def encode_id_cursor(ident: int) -> str:
    return str(ident)


def decode_id_cursor(cursor: str | None) -> int | None:
    """A numeric id cursor (lists ordered by a database sequence); None for the first page."""
    if not cursor:
        return None
    if not cursor.isascii() or not cursor.isdigit() or len(cursor) > 18:
        raise _invalid()
    return int(cursor)
