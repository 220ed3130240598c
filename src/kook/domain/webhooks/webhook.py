"""Webhooks: what a customer's endpoint is told, how it is signed, when it is tried again, where it may point.

- Events: ``request.finished``, ``line.outcome`` (a line succeeded or failed for good), ``payment.credited``.
- Signature: ``v1=`` + hex HMAC-SHA256, keyed with the endpoint's secret, over ``<timestamp>.<body>`` (the
  timestamp as sent in ``Kook-Webhook-Timestamp``, whole seconds since 1970; the body byte for byte).
- Retries: exponential backoff from the first delay (doubling, capped) until the delivery's give-up time (a day
  after the event), then the delivery is failed. Its id never changes, so a receiver deduplicates on it.
- Destinations: only public addresses. Every address the host resolves to must be global unicast: loopback,
  private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 — the cloud metadata address — and
  fe80::/10), CGNAT (100.64/10), multicast, unspecified, reserved and documentation ranges are refused, also when
  written as IPv4-mapped IPv6 or in decimal/octal/hex forms (they are compared after resolution).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from kook.domain.shared.errors import DomainError, ValidationFailed

EVENTS: tuple[str, ...] = ("request.finished", "line.outcome", "payment.credited")
MAX_URL = 2000
RETRY_FOR_SECONDS = 86_400  # a delivery is tried for a day after its event (or its replay), then failed
SIGNATURE_VERSION = "v1"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class DestinationRefused(DomainError):
    """The URL's host is not a public address (or cannot be resolved)."""

    code = "webhook_destination_refused"


@dataclass(eq=False)
class WebhookEndpoint:
    id: str
    customer_id: str
    url: str
    events: str  # space-separated, sorted
    secret_salt: str
    created_by: str
    created_at: datetime
    deleted_at: datetime | None = None

    @property
    def event_set(self) -> frozenset[str]:
        return frozenset(self.events.split())

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None


@dataclass(frozen=True)
class Delivery:
    id: str
    endpoint_id: str
    customer_id: str
    event: str
    payload: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    give_up_at: datetime
    last_attempt_at: datetime | None = None
    last_status: int | None = None
    last_error: str | None = None
    delivered_at: datetime | None = None
    url: str = ""


def check_events(events: list[str] | tuple[str, ...]) -> str:
    chosen = {str(e).strip() for e in events}
    if not chosen or not chosen <= set(EVENTS):
        raise ValidationFailed({"events": "invalid"})
    return " ".join(sorted(chosen))


def check_url(url: str, *, require_https: bool) -> str:
    """The URL's shape: http(s), a host, no user or password in it, not too long. (Addresses: at resolution.)"""
    cleaned = (url or "").strip()
    if not cleaned or len(cleaned) > MAX_URL or any(ch.isspace() or ord(ch) < 32 for ch in cleaned):
        raise ValidationFailed({"url": "invalid"})
    try:
        parts = urlsplit(cleaned)
        port = parts.port
    except ValueError:
        raise ValidationFailed({"url": "invalid"}) from None
    allowed = ("https",) if require_https else ("http", "https")
    if parts.scheme not in allowed:
        raise ValidationFailed({"url": "https_required" if parts.scheme == "http" else "invalid"})
    if not parts.hostname or parts.username is not None or parts.password is not None or parts.fragment:
        raise ValidationFailed({"url": "invalid"})
    if port == 0:
        raise ValidationFailed({"url": "invalid"})
    return cleaned


def is_public_address(address: str, *, allow_loopback: bool = False) -> bool:
    """True for a global unicast address. ``allow_loopback`` (dev/test only) lets 127.0.0.0/8 and ::1 through."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return is_public_address(str(mapped), allow_loopback=allow_loopback)
        if ip.teredo is not None:
            return False
    if allow_loopback and ip.is_loopback:
        return True
    if ip.is_multicast or ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_reserved:
        return False
    # private, CGNAT 100.64/10, documentation, benchmarking, …: none of them is global
    return not ip.is_private and ip.is_global


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={mac}"


def retry_delay_seconds(attempts: int, first_seconds: int, max_seconds: int) -> int:
    """Seconds before the next try after ``attempts`` failed ones: first, 2×, 4×, … capped at ``max_seconds``."""
    exponent = max(0, attempts - 1)
    if exponent > 40:
        return max_seconds
    return int(min(max_seconds, first_seconds * (2**exponent)))
