"""API keys for integrators (SPEC §2): shown once, stored hashed, revocable, with scopes.

The key a person copies is ``kook_<id>_<secret>``: the id finds the row, the
secret is compared with its stored hash (HMAC-SHA256 under the server key,
constant-time). A customer's key carries scopes (what it may do); a staff
member's key carries no scopes but the staff member's role rights on the
back-office JSON routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kook.domain.shared.errors import ValidationFailed
from kook.domain.shared.text import clean_text

KEY_PREFIX = "kook_"
MAX_KEY_NAME = 80

# The scopes a customer's key may carry (what each customer API route needs: entrypoints/http/api_scopes.py).
SCOPES: tuple[str, ...] = ("requests:write", "requests:read", "reports:read", "wallet:read")
# Requests per minute one key may make, unless its creator chose another figure (1 to MAX_PER_MINUTE).
DEFAULT_PER_MINUTE = 120
MAX_PER_MINUTE = 6000


@dataclass(eq=False)
class ApiKey:
    id: str
    user_id: str | None  # a customer's user; None for a staff member's key
    name: str
    secret_hash: str
    hint: str  # the last four characters of the secret, to recognise a key
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    scopes: str = ""  # space-separated, sorted (see SCOPES); empty for staff keys
    staff_id: str | None = None
    per_minute: int = DEFAULT_PER_MINUTE

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    @property
    def is_staff(self) -> bool:
        return self.staff_id is not None

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


def check_scopes(scopes: list[str] | tuple[str, ...]) -> str:
    """The scopes as stored (known, de-duplicated, sorted, space-separated); at least one."""
    chosen = {str(s).strip() for s in scopes}
    if not chosen or not chosen <= set(SCOPES):
        raise ValidationFailed({"scopes": "invalid"})
    return " ".join(sorted(chosen))


def check_per_minute(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PER_MINUTE:
        raise ValidationFailed({"per_minute": "out_of_range"})
    return value
