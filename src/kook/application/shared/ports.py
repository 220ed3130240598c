"""Ports every context shares. Adapters subclass these explicitly."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SmsSender(Protocol):
    """Sends one text message to one Iranian mobile number (09XXXXXXXXX).

    Raises ``SmsDeliveryError`` when the provider refuses or cannot be reached.
    ``code`` is the one-time code the text carries, if any: the sandbox keeps it
    beside the text so tests can read it; real providers ignore it.
    """

    async def send(self, mobile: str, text: str, *, code: str | None = None) -> None: ...


class SmsDeliveryError(Exception):
    """The SMS provider did not accept the message."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class Dispatcher(Protocol):
    """Enqueues background work. Call only after the unit of work committed."""

    def dispatch(self, actor: str, **kwargs: Any) -> None: ...


class AuditLog(Protocol):
    async def record(
        self,
        *,
        actor: str,
        action: str,
        subject: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None: ...


class CustomerNotifier(Protocol):
    """Tells a customer something: a portal message, and an SMS when given.

    Called after the transaction that decided it has committed.
    """

    async def notify(self, customer_id: str, *, kind: str, title: str, body: str, sms: str | None = None) -> None: ...


class Telemetry(Protocol):
    """Counts what happened, for monitoring (Prometheus in production). Never raises."""

    def lines_changed(self, outcomes: Mapping[str, int]) -> None:
        """``outcomes``: how many lines reached each status in one committed transaction."""
        ...


class NullTelemetry(Telemetry):
    def lines_changed(self, outcomes: Mapping[str, int]) -> None:
        return None


class ShutdownSignal(Protocol):
    """Whether this process has been asked to stop (SIGTERM): long work hands back what it has not started."""

    def requested(self) -> bool: ...
