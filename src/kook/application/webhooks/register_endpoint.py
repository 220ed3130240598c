"""A customer's webhook endpoints and their delivery log: register (the secret shown once), list, delete, read"""

from __future__ import annotations

from kook.application.shared.ports import Clock
from kook.application.webhooks.ports import WebhookConfig, WebhookSecrets, WebhookSender, WebhookUnitOfWork
from kook.domain.shared.errors import Conflict
from kook.domain.shared.ids import new_id
from kook.domain.webhooks.webhook import WebhookEndpoint, check_events, check_url


class RegisterEndpoint:
    def __init__(
        self,
        uow: WebhookUnitOfWork,
        sender: WebhookSender,
        secrets: WebhookSecrets,
        clock: Clock,
        config: WebhookConfig,
    ) -> None:
        self._uow = uow
        self._sender = sender
        self._secrets = secrets
        self._clock = clock
        self._config = config

    async def __call__(
        self, customer_id: str, user_id: str, url: str, events: list[str]
    ) -> tuple[WebhookEndpoint, str]:
        """The stored endpoint and its signing secret (shown once). The URL must resolve to public addresses."""
        cleaned = check_url(url, require_https=self._config.require_https)
        chosen = check_events(events)
        await self._sender.check_destination(cleaned)
        endpoint = WebhookEndpoint(
            id=new_id(),
            customer_id=customer_id,
            url=cleaned,
            events=chosen,
            secret_salt=self._secrets.new_salt(),
            created_by=user_id,
            created_at=self._clock.now(),
        )
        async with self._uow as uow:
            active = await uow.webhooks.endpoints_of(customer_id)
            if len(active) >= self._config.max_endpoints:
                raise Conflict(details={"max_endpoints": self._config.max_endpoints})
            await uow.webhooks.add_endpoint(endpoint)
            await uow.commit()
        return endpoint, self._secrets.secret_for(endpoint.id, endpoint.secret_salt)
