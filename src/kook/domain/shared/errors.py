"""Domain errors: every rule the product enforces fails with a stable code.

The code is English snake case and never renamed (API.md); the Persian text
for each code lives in one catalogue at the edge (entrypoints/http/messages.py).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A broken rule. ``code`` is stable; ``details`` is JSON-safe context."""

    code: str = "domain_error"

    def __init__(self, code: str | None = None, details: dict[str, Any] | None = None) -> None:
        if code is not None:
            self.code = code
        self.details: dict[str, Any] = details or {}
        super().__init__(self.code)


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class Unauthenticated(DomainError):
    code = "unauthenticated"


class Conflict(DomainError):
    code = "conflict"


class RateLimited(DomainError):
    """Too many attempts; ``retry_after`` is whole seconds."""

    code = "rate_limited"

    def __init__(self, retry_after: int, details: dict[str, Any] | None = None) -> None:
        super().__init__(details=details)
        self.retry_after = max(1, int(retry_after))


class ValidationFailed(DomainError):
    """One or more fields failed; ``details["fields"]`` maps field -> code."""

    code = "validation_error"

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(details={"fields": fields})
        self.fields = fields
