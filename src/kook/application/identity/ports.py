"""Ports of the identity context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kook.application.shared.ports import AuditLog, OneTimeCodeRepository, StaffRepository, UnitOfWork, UserRepository
from kook.domain.identity.api_key import ApiKey


class ApiKeyRepository(Protocol):
    async def get(self, key_id: str) -> ApiKey | None: ...
    async def for_user(self, user_id: str) -> list[ApiKey]: ...
    async def for_staff(self, staff_id: str) -> list[ApiKey]: ...
    async def add(self, key: ApiKey) -> None: ...


class IdentityUnitOfWork(UnitOfWork, Protocol):
    users: UserRepository
    staff: StaffRepository
    codes: OneTimeCodeRepository
    api_keys: ApiKeyRepository
    audit: AuditLog


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...
    async def verify(self, password_hash: str, password: str) -> bool:
        """Constant-time; False for any mismatch or malformed hash, and no faster for one."""
        ...

    async def burn(self) -> None:
        """Spend the time of one verify, so an unknown account answers as slowly."""
        ...


class SecretHasher(Protocol):
    """Keyed hash for one-time codes and API-key secrets."""

    def digest(self, value: str) -> str: ...
    def matches(self, digest: str, value: str) -> bool:
        """Constant-time comparison."""
        ...


class CodeGenerator(Protocol):
    def new_code(self) -> str:
        """Six digits from a CSPRNG."""
        ...

    def new_secret(self) -> str:
        """A URL-safe secret of at least 256 bits."""
        ...


class RateLimiter(Protocol):
    async def hit(self, key: str, *, limit: int, window_seconds: int) -> int | None:
        """Count one hit. None when within the limit, else seconds until a new hit is allowed.

        A refused hit is not counted.
        """
        ...


class PrincipalKind:
    USER = "user"
    STAFF = "staff"


@dataclass
class WebSession:
    id: str
    principal_kind: str
    principal_id: str
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    otp_login: bool = False


class SessionStore(Protocol):
    """Server-side web sessions. Ids are only ever stored as hashes."""

    async def create(self, session: WebSession) -> None: ...
    async def get(self, session_id: str) -> WebSession | None: ...
    async def touch(self, session: WebSession, now: datetime) -> None: ...
    async def update(self, session: WebSession) -> None: ...
    async def delete(self, session_id: str) -> None: ...
    async def delete_for_principal(self, principal_kind: str, principal_id: str, *, keep: str | None = None) -> int: ...
    async def purge(self, now: datetime) -> int: ...
