"""A dispatcher that records what would have been enqueued."""

from __future__ import annotations

from typing import Any

from kook.application.shared.ports import Dispatcher


class RecordingDispatcher(Dispatcher):
    def __init__(self, *, fail: bool = False) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.fail = fail

    def dispatch(self, actor: str, **kwargs: Any) -> None:
        if self.fail:
            raise ConnectionError("broker down")
        self.sent.append((actor, kwargs))
