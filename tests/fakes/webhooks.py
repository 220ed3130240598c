"""A fake webhook outbox: what the use cases asked to tell, in memory (kept with the fake's transaction)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kook.application.shared.ports import WebhookOutbox


class FakeWebhookOutbox(WebhookOutbox):
    def __init__(self, recorded: list[tuple[str, str, dict[str, Any]]]) -> None:
        self._recorded = recorded

    async def record(self, customer_id: str, event: str, items: Sequence[Mapping[str, Any]]) -> int:
        self._recorded.extend((customer_id, event, dict(item)) for item in items)
        return len(items)
