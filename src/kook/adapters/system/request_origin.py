"""Where the action being done came from: the client address of the HTTP request, set by the web entrypoint.

The audit log reads it when it writes a row (who, what, when — and from where). Outside a request (the scheduler,
the workers) it is None.
"""

from __future__ import annotations

from contextvars import ContextVar

_ADDRESS: ContextVar[str | None] = ContextVar("kook_client_address", default=None)


def set_client_address(address: str | None) -> None:
    _ADDRESS.set(address[:64] if address else None)


def client_address() -> str | None:
    return _ADDRESS.get()
