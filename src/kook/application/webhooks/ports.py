"""Ports of webhooks: the endpoints and deliveries, the outbox other contexts write to, the sender, the secrets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kook.application.shared.ports import UnitOfWork
from kook.domain.webhooks.webhook import Delivery, WebhookEndpoint


class WebhookRepository(Protocol):
    async def add_endpoint(self, endpoint: WebhookEndpoint) -> None: ...
    async def endpoint(self, endpoint_id: str) -> WebhookEndpoint | None: ...
    async def endpoints_of(self, customer_id: str) -> list[WebhookEndpoint]: ...
    async def delete_endpoint(self, endpoint_id: str, now: datetime) -> None: ...
    async def deliveries_of(
        self, customer_id: str, *, after: tuple[datetime, str] | None, limit: int, endpoint_id: str | None = None
    ) -> list[Delivery]:
        """Newest first, after the (created_at, id) position."""
        ...

    async def delivery(self, delivery_id: str) -> Delivery | None: ...
    async def replay(self, delivery_id: str, now: datetime, give_up_at: datetime) -> None: ...
    async def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[Delivery]:
        """Pending deliveries due now and not leased, leased to the caller until ``lease_until`` (with their URL)."""
        ...

    async def record_attempt(
        self,
        delivery_id: str,
        *,
        now: datetime,
        status: str,
        http_status: int | None,
        error: str | None,
        next_attempt_at: datetime | None,
    ) -> None: ...


class WebhookUnitOfWork(UnitOfWork, Protocol):
    webhooks: WebhookRepository


class WebhookSendError(Exception):
    """The receiver could not be reached or did not answer in time (retried)."""


class WebhookSender(Protocol):
    async def check_destination(self, url: str) -> None:
        """Raises ``DestinationRefused`` unless every address the URL's host resolves to is public."""
        ...

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """POSTs to the resolved public address (no redirects followed); the HTTP status. Raises
        ``DestinationRefused`` or ``WebhookSendError``."""
        ...


class WebhookSecrets(Protocol):
    def new_salt(self) -> str: ...
    def secret_for(self, endpoint_id: str, salt: str) -> str:
        """The endpoint's signing secret (derived from the server key: the database alone does not hold it)."""
        ...


@dataclass(frozen=True)
class WebhookConfig:
    require_https: bool = True
    first_retry_seconds: int = 30
    max_retry_seconds: int = 3600
    retry_for_seconds: int = 86_400  # a delivery is tried for a day after its event, then failed
    batch: int = 50
    concurrency: int = 10
    lease_seconds: int = 120
    max_endpoints: int = 10
