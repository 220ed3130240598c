"""API keys for integrators (SPEC §2): shown once, stored hashed, revocable.

The key a person copies is ``kook_<id>_<secret>``: the id finds the row, the
secret is compared with its stored hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kook.domain.shared.errors import ValidationFailed
from kook.domain.shared.text import clean_text

KEY_PREFIX = "kook_"
MAX_KEY_NAME = 80


@dataclass(eq=False)
class ApiKey:
    id: str
    user_id: str
    name: str
    secret_hash: str
    hint: str  # the last four characters of the secret, to recognise a key
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def prefix(self) -> str:
        return f"{KEY_PREFIX}{self.id[:8]}…{self.hint}"

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now


def compose_key(key_id: str, secret: str) -> str:
    return f"{KEY_PREFIX}{key_id}_{secret}"


def split_key(presented: str) -> tuple[str, str] | None:
    """``kook_<id>_<secret>`` → (id, secret); None when it is not of that shape."""
    if not presented.startswith(KEY_PREFIX):
        return None
    rest = presented[len(KEY_PREFIX) :]
    key_id, sep, secret = rest.partition("_")
    if not sep or len(key_id) != 32 or not secret or len(secret) > 128:
        return None
    return key_id, secret


def check_key_name(name: str) -> str:
    cleaned = clean_text(name, "name")
    if not cleaned or len(cleaned) > MAX_KEY_NAME:
        raise ValidationFailed({"name": "invalid"})
    return cleaned
